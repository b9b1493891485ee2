"""1,000,000 metric points from one Python run over fd 3 into the SQLite store, end to end:
`labbook run spec.yaml -j 1` in a fresh project, the spec's command a script that calls
`ctx.log_metrics({10 keys}, step=i)` for 100,000 steps (the client batches them into bulk
`metrics` lines). The time is the wall time of the whole `labbook run` (Node and Python
start-up included), best of 3; afterwards every point is checked in the store. `run_s` is the
worker's own time for the run (claimed to COMPLETED, from the store) of that best attempt.

Beside it, in the same bench run, the same points logged into a local MLflow store with
`mlflow.log_metric` (one call per point) and `mlflow.log_metrics` (one call per step, what a
fair user logging 10 keys writes), into the file store and into MLflow 3's default SQLite
store. MLflow is timed on a sample and extrapolated linearly (said in `extrapolated_from`).
Prints one JSON line per baseline (value: labbook points/s; ratio: labbook / MLflow; targets
>= 300,000 points/s and >= 100x). Without mlflow installed, one line with `skipped`.

    .venv-bench/bin/python bench/python-ingest.bench.py      (make bench sets it up)
"""

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KEYS = [f"train.metric_{k}" for k in range(10)]
STEPS = 100_000
POINTS = STEPS * len(KEYS)
REPEAT = 3
REPO = Path(__file__).resolve().parents[1]
NAME = "python_ingest_1m_points_fd3"
TARGET = ">= 300000 points/s; >= 100x MLflow"

RUN_SCRIPT = """\
import labbook

KEYS = {keys!r}
ctx = labbook.context()
for step in range(ctx.params["steps"]):
    ctx.log_metrics({{key: (step + k) * 0.5 for k, key in enumerate(KEYS)}}, step=step)
"""

SPEC = """\
name: bench-ingest
parameters:
  steps: {steps}
command: {python} script.py
"""


def labbook_seconds(cli):
    """(wall, run) seconds of one `labbook run` logging every point, in a fresh project; checks the store."""
    with tempfile.TemporaryDirectory(prefix="labbook-bench-") as directory:
        project = Path(directory)
        subprocess.run([cli, "init"], cwd=project, check=True, capture_output=True)
        (project / "script.py").write_text(RUN_SCRIPT.format(keys=KEYS))
        (project / "spec.yaml").write_text(SPEC.format(steps=STEPS, python=sys.executable))
        start = time.perf_counter()
        subprocess.run([cli, "run", "spec.yaml", "-j", "1"], cwd=project, check=True, capture_output=True)
        seconds = time.perf_counter() - start
        run = check_stored(cli, project)
    return seconds, (run["finishedAt"] - run["startedAt"]) / 1000


def check_stored(cli, project):
    listed = subprocess.run([cli, "ls", "--json"], cwd=project, check=True, capture_output=True, text=True).stdout
    runs = [json.loads(line) for line in listed.splitlines() if line.strip()]  # one run per line
    assert len(runs) == 1 and runs[0]["state"] == "COMPLETED", f"expected one COMPLETED run, got {runs}"
    run_id = runs[0]["id"]
    series = json.loads(subprocess.run([cli, "metrics", str(run_id), KEYS[-1], "--json"], cwd=project, check=True, capture_output=True, text=True).stdout)
    series = series if isinstance(series, list) else series.get("points", series.get("values", []))
    assert len(series) == STEPS, f"labbook metrics {KEYS[-1]}: {len(series)} points, expected {STEPS}"
    database = sqlite3.connect(f"file:{project / '.labbook' / 'labbook.db'}?mode=ro", uri=True)
    try:
        counts = dict(database.execute("SELECT key, count(*) FROM metrics WHERE run_id = ? AND key NOT LIKE 'sys.%' GROUP BY key", (run_id,)))
        total = database.execute("SELECT sum(value) FROM metrics WHERE run_id = ? AND key NOT LIKE 'sys.%'", (run_id,)).fetchone()[0]
    finally:
        database.close()
    assert counts == {key: STEPS for key in KEYS}, f"stored points per key: {counts}"
    expected = sum((step + k) * 0.5 for step in range(STEPS) for k in range(len(KEYS)))
    assert abs(total - expected) < 1e-6 * expected, f"sum of stored values {total}, expected {expected}"
    return runs[0]


def mlflow_baselines(mlflow):
    """(label, points/s, points timed) for each way of logging into each local MLflow store."""
    os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"  # MLflow 3 refuses the file store otherwise
    stores = [("file store", lambda d: Path(d, "mlruns").as_uri(), 20_000), ("default SQLite store", lambda d: f"sqlite:///{Path(d, 'mlflow.db')}", 2_000)]
    figures = []
    for store, uri, sample in stores:
        for label, log in [("mlflow.log_metric, one call per point", log_each), ("mlflow.log_metrics, one call per step of 10 keys", log_steps)]:
            with tempfile.TemporaryDirectory(prefix="mlflow-bench-") as directory:
                mlflow.set_tracking_uri(uri(directory))
                mlflow.set_experiment("bench-ingest")
                with mlflow.start_run():
                    start = time.perf_counter()
                    log(mlflow, sample // len(KEYS))
                    seconds = time.perf_counter() - start
            figures.append((f"{label}, local MLflow {store} (MLflow {mlflow.__version__})", sample / seconds, sample))
    return figures


def log_each(mlflow, steps):
    for step in range(steps):
        for k, key in enumerate(KEYS):
            mlflow.log_metric(key, (step + k) * 0.5, step=step)


def log_steps(mlflow, steps):
    for step in range(steps):
        mlflow.log_metrics({key: (step + k) * 0.5 for k, key in enumerate(KEYS)}, step=step)


def quiet_mlflow():
    import logging
    import warnings

    warnings.filterwarnings("ignore")
    logging.getLogger("mlflow").setLevel(logging.ERROR)
    logging.getLogger("alembic").setLevel(logging.ERROR)


def main():
    cli = os.environ.get("LABBOOK_CLI", str(REPO / "bin" / "labbook"))
    wall, run = min(labbook_seconds(cli) for _ in range(REPEAT))
    value = POINTS / wall
    figure = {"name": NAME, "value": round(value), "unit": "points/s", "target": TARGET, "shape": f"{len(KEYS)} keys x {STEPS} steps, 1 run", "wall_s": round(wall, 2), "run_s": round(run, 2)}
    try:
        import mlflow

        quiet_mlflow()
    except ImportError as error:
        print(json.dumps({**figure, "skipped": f"mlflow not installed ({error}); make bench installs bench/requirements-bench.txt into .venv-bench"}))
        return
    for label, baseline, sample in mlflow_baselines(mlflow):
        print(json.dumps({**figure, "baseline": round(baseline), "baselineLabel": label, "ratio": round(value / baseline, 1), "extrapolated_from": sample}))


if __name__ == "__main__":
    sys.exit(main())
