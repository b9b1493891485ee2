"""Reading runs back into pandas: ``labbook.Reader(store).filter(q).to_pandas()`` over 10,000
runs (2 parameters, 1 metric), beside MLflow's ``mlflow.search_runs`` of the same filter over
the same runs in its SQLite store (MLflow 3's default; in .venv-bench), and over 50,000 runs.
The stores are filled before the timing (labbook's by labbook.run, each run logging its metric
and returning; MLflow's with one run per combination, its parameters and metric logged in one
batch). The store's engine runs (as it does after the drive that filled it). Prints one JSON
line per figure (seconds, best of 5). Issue 16's targets: at most 0.5x MLflow at 10,000 runs,
at most 0.4 s at 50,000.

    .venv-bench/bin/python bench/python-reader.bench.py      (make bench sets it up)
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from seconds_line import print_seconds_line

REPEATS = 5
REPO = Path(__file__).resolve().parents[1]
QUERY = "a < 50 & metrics.loss < 0.5"
# MLflow keeps parameters as text ('10' < '5'): it filters the metric, pandas the parameter as a number.
MLFLOW_FILTER = "metrics.loss < 0.5"


def record(ctx, config):
    ctx.log_metrics({"loss": ((config.a * 7 + config.b * 13) % 100) / 100}, step=0)


def labbook_store(directory, side):
    """A store of side × side runs (parameters a and b), filled through labbook.run."""
    import labbook

    cli = os.environ["LABBOOK_CLI"]
    subprocess.run([cli, "init"], cwd=directory, check=True, capture_output=True)
    results = labbook.run(record, {"parameters": {"a": list(range(side)), "b": list(range(side))}}, workers=2, experiment="grid", store=directory)
    assert all(r.ok for r in results)


def labbook_seconds(directory, expected, query=QUERY):
    import labbook

    def once():
        start = time.perf_counter()
        frame = labbook.Reader(directory).filter(query).to_pandas()
        seconds = time.perf_counter() - start
        assert len(frame) == expected, (len(frame), expected)
        return seconds

    return min(once() for _ in range(REPEATS))


def mlflow_seconds(directory, side, expected):
    """MLflow's search_runs of the same filter over the same runs, or None without mlflow."""
    try:
        import mlflow
        from mlflow.entities import Metric, Param
    except ImportError:
        return None
    import logging

    logging.getLogger("mlflow").setLevel(logging.ERROR)
    mlflow.set_tracking_uri(f"sqlite:///{directory}/mlflow.db")
    client = mlflow.MlflowClient()
    experiment = client.create_experiment("grid")
    now = int(time.time() * 1000)
    for a in range(side):
        for b in range(side):
            run = client.create_run(experiment)
            loss = ((a * 7 + b * 13) % 100) / 100
            client.log_batch(run.info.run_id, metrics=[Metric("loss", loss, now, 0)], params=[Param("a", str(a)), Param("b", str(b))])
            client.set_terminated(run.info.run_id)

    def once():
        start = time.perf_counter()
        frame = mlflow.search_runs(experiment_ids=[experiment], filter_string=MLFLOW_FILTER, max_results=100_000)
        frame = frame[frame["params.a"].astype(int) < 50]
        seconds = time.perf_counter() - start
        assert len(frame) == expected, (len(frame), expected)
        return seconds

    return min(once() for _ in range(REPEATS))


def expected_rows(side):
    return sum(1 for a in range(side) for b in range(side) if a < 50 and ((a * 7 + b * 13) % 100) / 100 < 0.5)


def main():
    os.environ.setdefault("LABBOOK_CLI", str(REPO / "bin" / "labbook"))
    cli = os.environ["LABBOOK_CLI"]
    for side, peer in ((100, True), (224, False)):
        with tempfile.TemporaryDirectory(prefix="labbook-bench-") as directory:
            labbook_store(directory, side)
            seconds = labbook_seconds(directory, expected_rows(side))
            runs = side * side
            name = f"python_reader_filter_to_pandas_{runs}_runs"
            if peer:
                with tempfile.TemporaryDirectory(prefix="mlflow-bench-") as mlflow_directory:
                    baseline = mlflow_seconds(mlflow_directory, side, expected_rows(side))
                label = "mlflow.search_runs(filter_string='metrics.loss < 0.5') and the parameter filter in pandas, MLflow's SQLite store"
                print_seconds_line(name, seconds, baseline, label, "<= 0.5x", missing="mlflow not installed (.venv-bench)")
            else:
                print_seconds_line(name, seconds, 0.4, "the target, 0.4 s", "<= 0.4 s")
                every = labbook_seconds(directory, runs, query="")
                print_seconds_line(f"python_reader_every_run_to_pandas_{runs}_runs", every, 0.4, "the target, 0.4 s", "<= 0.4 s")
            subprocess.run([cli, "engine", "stop"], cwd=directory, check=True, capture_output=True)


if __name__ == "__main__":
    sys.exit(main())
