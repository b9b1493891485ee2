"""MLflow's tracking server over the runs of bench/api.bench.ts: the peer of its figure.

Usage: api-mlflow-peer.py DIR ROWS.json. Makes an MLflow SQLite store in DIR (its schema by
MLflow itself), writes the rows ([model, lr, seed, acc], one run each: params model, lr and
seed, metric acc) into it with plain SQL (logging 100,000 runs through MLflow's client would
take an hour), starts `mlflow server` on 127.0.0.1 with its defaults, and prints one JSON
line, {"url", "experiment"}, once it answers (or {"skipped": why}). It serves until SIGTERM.
"""

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path


def say(**fields):
    print(json.dumps(fields), flush=True)


def build_store(directory: Path, rows):
    from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore

    uri = f"sqlite:///{directory / 'mlflow.db'}"
    experiment = SqlAlchemyStore(uri, str(directory / "artifacts")).create_experiment("bench")
    db = sqlite3.connect(directory / "mlflow.db")
    now = int(time.time() * 1000)
    runs, params, metrics = [], [], []
    for i, (model, lr, seed, acc) in enumerate(rows):
        run = uuid.uuid4().hex
        runs.append((run, f"run-{i}", "LOCAL", "bench", "", "bench", "FINISHED", now + i, now + i, "", "active", "", int(experiment)))
        params += [("model", str(model), run), ("lr", str(lr), run), ("seed", str(seed), run)]
        metrics.append(("acc", acc, now + i, 0, 0, run))
    with db:
        db.executemany(
            "INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time, end_time,"
            " source_version, lifecycle_stage, artifact_uri, experiment_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            runs,
        )
        db.executemany("INSERT INTO params (key, value, run_uuid) VALUES (?,?,?)", params)
        db.executemany("INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) VALUES (?,?,?,?,?,?)", metrics)
        db.executemany("INSERT INTO metrics (key, value, timestamp, step, is_nan, run_uuid) VALUES (?,?,?,?,?,?)", metrics)
    db.close()
    return uri, experiment


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    directory, rows_file = Path(sys.argv[1]), Path(sys.argv[2])
    try:
        import mlflow  # noqa: F401
    except ImportError:
        say(skipped="mlflow is not installed in this venv")
        return
    directory.mkdir(parents=True, exist_ok=True)
    uri, experiment = build_store(directory, json.loads(rows_file.read_text()))
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "mlflow", "server", "--backend-store-uri", uri, "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    # The server's workers are its children, in its own session: the whole group goes with it.
    signal.signal(signal.SIGTERM, lambda *_: (os.killpg(server.pid, signal.SIGTERM), sys.exit(0)))
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=1) as answer:
                if answer.status == 200:
                    break
        except OSError:
            time.sleep(0.1)
    else:
        os.killpg(server.pid, signal.SIGTERM)
        say(skipped="mlflow server did not answer within 60 s")
        return
    say(url=url, experiment=str(experiment))
    server.wait()


if __name__ == "__main__":
    main()
