"""A no-op request (`ping`) from Python to the resident engine and back: p50 and p99 of
20,000 round trips on one connection (after 2,000 to warm up), in milliseconds. Beside it, in
the same bench run, the same client against a Python server in another process that answers
each JSON line on a Unix socket with the same answer: what a round trip costs without the
engine. Prints one JSON line per figure; issue 16's targets: p50 <= 0.1 ms, p99 <= 1 ms.

    .venv-bench/bin/python bench/python-engine-noop.bench.py      (make bench sets it up)
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from labbook._engine_client import EngineClient, connect

REQUESTS = 20_000
WARM_UP = 2_000

# The baseline server: reads JSON lines, answers each with {"id", "ok": true, "value": null}.
ANSWERING_SERVER = r"""
import json, os, socket, sys
server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.bind(sys.argv[1])
server.listen(1)
print("ready", flush=True)
connection, _ = server.accept()
buffer = b""
while True:
    received = connection.recv(1 << 16)
    if not received:
        break
    buffer += received
    while b"\n" in buffer:
        line, buffer = buffer.split(b"\n", 1)
        request = json.loads(line)
        connection.sendall(json.dumps({"id": request["id"], "ok": True, "value": None}, separators=(",", ":")).encode() + b"\n")
"""


def round_trips_ms(client):
    """Milliseconds of each of REQUESTS pings, sorted."""
    for _ in range(WARM_UP):
        client.request("ping")
    times = []
    for _ in range(REQUESTS):
        start = time.perf_counter_ns()
        client.request("ping")
        times.append((time.perf_counter_ns() - start) / 1e6)
    return sorted(times)


def percentile(sorted_times, fraction):
    return sorted_times[min(len(sorted_times) - 1, int(fraction * len(sorted_times)))]


def engine_times(directory):
    subprocess.run([os.environ["LABBOOK_CLI"], "init"], cwd=directory, check=True, capture_output=True)
    try:
        with connect(cwd=directory) as engine:
            return round_trips_ms(engine)
    finally:
        subprocess.run([os.environ["LABBOOK_CLI"], "engine", "stop"], cwd=directory, capture_output=True)


def baseline_times(directory):
    path = os.path.join(directory, "echo.sock")
    server = subprocess.Popen([sys.executable, "-c", ANSWERING_SERVER, path], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout.readline().strip() == "ready"
        with EngineClient.connect(path) as client:
            return round_trips_ms(client)
    finally:
        server.wait(timeout=10)


def main():
    directory = tempfile.mkdtemp(prefix="lb-bench-", dir="/tmp")
    os.environ["XDG_RUNTIME_DIR"] = directory  # the engine's socket, away from any real one
    try:
        engine = engine_times(directory)
        baseline = baseline_times(directory)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    label = "a Python server answering JSON lines on a Unix socket, same client"
    for name, fraction, target in (("p50", 0.50, "<= 0.1 ms"), ("p99", 0.99, "<= 1 ms")):
        value, base = percentile(engine, fraction), percentile(baseline, fraction)
        figure = {
            "name": f"python_engine_noop_request_{name}",
            "value": round(value, 4),
            "unit": "ms",
            "baseline": round(base, 4),
            "baselineLabel": label,
            "ratio": round(value / base, 2),
            "target": target,
        }
        print(json.dumps(figure))


if __name__ == "__main__":
    sys.exit(main())
