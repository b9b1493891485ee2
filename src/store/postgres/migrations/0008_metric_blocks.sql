-- labbook store (PostgreSQL), schema 8: metric blocks (see the SQLite schema 8).

CREATE TABLE metric_blocks (
  run_id         BIGINT  NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  key            TEXT    NOT NULL,
  attempt        INTEGER NOT NULL,
  block          BIGINT  NOT NULL,
  count          INTEGER NOT NULL,
  first_position BIGINT,
  first_step     BIGINT,
  first_value    DOUBLE PRECISION,
  first_at       BIGINT,
  min_position   BIGINT,
  min_step       BIGINT,
  min_value      DOUBLE PRECISION,
  min_at         BIGINT,
  max_position   BIGINT,
  max_step       BIGINT,
  max_value      DOUBLE PRECISION,
  max_at         BIGINT,
  last_position  BIGINT,
  last_step      BIGINT,
  last_value     DOUBLE PRECISION,
  last_at        BIGINT,
  PRIMARY KEY (run_id, key, attempt, block)
);

-- The blocks of the series stored so far, of the attempts their summaries follow.
WITH placed AS (
  SELECT m.run_id, m.key, m.attempt, m.step, m.at, m.value,
         row_number() OVER (PARTITION BY m.run_id, m.key, m.attempt ORDER BY m.seq) - 1 AS position
  FROM metrics m JOIN metric_summaries s ON s.run_id = m.run_id AND s.key = m.key AND s.attempt = m.attempt
), blocked AS (
  SELECT placed.*, position / 128 AS block FROM placed
), ranked AS (
  SELECT blocked.*,
    row_number() OVER (PARTITION BY run_id, key, attempt, block ORDER BY value IS NULL, position) AS nth_first,
    row_number() OVER (PARTITION BY run_id, key, attempt, block ORDER BY value IS NULL, value, position) AS nth_min,
    row_number() OVER (PARTITION BY run_id, key, attempt, block ORDER BY value IS NULL, value DESC, position) AS nth_max,
    row_number() OVER (PARTITION BY run_id, key, attempt, block ORDER BY value IS NULL, position DESC) AS nth_last
  FROM blocked
)
INSERT INTO metric_blocks (run_id, key, attempt, block, count, first_position, first_step, first_value, first_at, min_position, min_step, min_value, min_at, max_position, max_step, max_value, max_at, last_position, last_step, last_value, last_at)
SELECT run_id, key, attempt, block, count(*),
  max(CASE WHEN nth_first = 1 AND value IS NOT NULL THEN position END),
  max(CASE WHEN nth_first = 1 AND value IS NOT NULL THEN step END),
  max(CASE WHEN nth_first = 1 AND value IS NOT NULL THEN value END),
  max(CASE WHEN nth_first = 1 AND value IS NOT NULL THEN at END),
  max(CASE WHEN nth_min = 1 AND value IS NOT NULL THEN position END),
  max(CASE WHEN nth_min = 1 AND value IS NOT NULL THEN step END),
  max(CASE WHEN nth_min = 1 AND value IS NOT NULL THEN value END),
  max(CASE WHEN nth_min = 1 AND value IS NOT NULL THEN at END),
  max(CASE WHEN nth_max = 1 AND value IS NOT NULL THEN position END),
  max(CASE WHEN nth_max = 1 AND value IS NOT NULL THEN step END),
  max(CASE WHEN nth_max = 1 AND value IS NOT NULL THEN value END),
  max(CASE WHEN nth_max = 1 AND value IS NOT NULL THEN at END),
  max(CASE WHEN nth_last = 1 AND value IS NOT NULL THEN position END),
  max(CASE WHEN nth_last = 1 AND value IS NOT NULL THEN step END),
  max(CASE WHEN nth_last = 1 AND value IS NOT NULL THEN value END),
  max(CASE WHEN nth_last = 1 AND value IS NOT NULL THEN at END)
FROM ranked GROUP BY run_id, key, attempt, block;
