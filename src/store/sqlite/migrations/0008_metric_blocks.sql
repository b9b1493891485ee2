-- labbook store, schema 8: metric blocks (src/store/rows/metric-blocks.ts). A series is also
-- kept as blocks of 128 consecutive points (by position: a point's index among the points of
-- its run, key and attempt, in logging order), each by its first, lowest, highest and last
-- finite points (NULL when it has none), so a chart of a long series (M4) reads a block per
-- 128 points. Written with the points, for the attempt the key's summary follows.

CREATE TABLE metric_blocks (
  run_id         INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  key            TEXT    NOT NULL,
  attempt        INTEGER NOT NULL,
  block          INTEGER NOT NULL,   -- its points' positions are 128 × block … 128 × block + 127
  count          INTEGER NOT NULL,   -- points it holds so far (finite or not)
  first_position INTEGER,
  first_step     INTEGER,
  first_value    REAL,
  first_at       INTEGER,
  min_position   INTEGER,
  min_step       INTEGER,
  min_value      REAL,
  min_at         INTEGER,
  max_position   INTEGER,
  max_step       INTEGER,
  max_value      REAL,
  max_at         INTEGER,
  last_position  INTEGER,
  last_step      INTEGER,
  last_value     REAL,
  last_at        INTEGER,
  PRIMARY KEY (run_id, key, attempt, block)
) WITHOUT ROWID;

-- The blocks of the series stored so far, of the attempts their summaries follow.
WITH placed AS (
  SELECT m.run_id, m.key, m.attempt, m.step, m.at, m.value,
         row_number() OVER (PARTITION BY m.run_id, m.key, m.attempt ORDER BY m.rowid) - 1 AS position
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
