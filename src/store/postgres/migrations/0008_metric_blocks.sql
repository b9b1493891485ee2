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

-- The blocks of the series stored so far, of the attempts their summaries follow: each
-- block's four points found by position (the earliest of equal values), then read.
WITH placed AS MATERIALIZED (
  SELECT m.run_id, m.key, m.attempt, m.step, m.at, m.value,
         row_number() OVER (PARTITION BY m.run_id, m.key, m.attempt ORDER BY m.seq) - 1 AS position
  FROM metrics m JOIN metric_summaries s USING (run_id, key, attempt)
), blocks AS (
  SELECT run_id, key, attempt, position / 128 AS block, count(*) AS count,
         min(position) FILTER (WHERE value IS NOT NULL) AS first_p,
         (array_agg(position ORDER BY value, position) FILTER (WHERE value IS NOT NULL))[1] AS min_p,
         (array_agg(position ORDER BY value DESC, position) FILTER (WHERE value IS NOT NULL))[1] AS max_p,
         max(position) FILTER (WHERE value IS NOT NULL) AS last_p
  FROM placed GROUP BY run_id, key, attempt, position / 128
)
INSERT INTO metric_blocks (run_id, key, attempt, block, count, first_position, first_step, first_value, first_at, min_position, min_step, min_value, min_at, max_position, max_step, max_value, max_at, last_position, last_step, last_value, last_at)
SELECT b.run_id, b.key, b.attempt, b.block, b.count,
  f.position, f.step, f.value, f.at,
  lo.position, lo.step, lo.value, lo.at,
  hi.position, hi.step, hi.value, hi.at,
  l.position, l.step, l.value, l.at
FROM blocks b
LEFT JOIN placed f ON (f.run_id, f.key, f.attempt, f.position) = (b.run_id, b.key, b.attempt, b.first_p)
LEFT JOIN placed lo ON (lo.run_id, lo.key, lo.attempt, lo.position) = (b.run_id, b.key, b.attempt, b.min_p)
LEFT JOIN placed hi ON (hi.run_id, hi.key, hi.attempt, hi.position) = (b.run_id, b.key, b.attempt, b.max_p)
LEFT JOIN placed l ON (l.run_id, l.key, l.attempt, l.position) = (b.run_id, b.key, b.attempt, b.last_p);
