"""1,000 trivial Python runs through labbook.run with 2 workers (every run persisted in the
store), beside the same function over a bare concurrent.futures process pool (nothing
persisted) and through memento-ml (its cache persists every result; bench/memento-peer.py in
.venv-memento, when that venv is there). Prints one JSON line per baseline: {"name", "value",
"unit", "baseline", "baselineLabel", "ratio", "target"} (seconds, the best of 3 for each, as
the other benches do; ratio = labbook / baseline; issue 6's target: within 2x of the bare loop).

    .venv-bench/bin/python bench/python-driver.bench.py      (make bench sets it up)
"""

import concurrent.futures
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from seconds_line import print_seconds_line

RUNS = 1000
WORKERS = 2
REPEATS = 3
REPO = Path(__file__).resolve().parents[1]


def trivial(ctx, config):
    return config.i * 2


def bare(i):
    return i * 2


def drive_once():
    """Seconds for one drive of RUNS runs into a new store."""
    import labbook

    with tempfile.TemporaryDirectory(prefix="labbook-bench-") as directory:
        subprocess.run([os.environ["LABBOOK_CLI"], "init"], cwd=directory, check=True, capture_output=True)
        os.chdir(directory)
        start = time.perf_counter()
        results = labbook.run(trivial, {"parameters": {"i": list(range(RUNS))}}, workers=WORKERS, experiment="bench-driver")
        seconds = time.perf_counter() - start
        os.chdir(REPO)
        assert sum(r.ok for r in results) == RUNS, "every run must complete"
    return seconds


def pool_once():
    start = time.perf_counter()
    with concurrent.futures.ProcessPoolExecutor(WORKERS) as pool:
        assert sum(pool.map(bare, range(RUNS))) == RUNS * (RUNS - 1)
    return time.perf_counter() - start


def memento_seconds():
    """memento-ml's best of REPEATS, or None where it did not install (.venv-memento)."""
    python = REPO / ".venv-memento" / "bin" / "python"
    if not python.exists():
        return None
    peer = [str(python), str(REPO / "bench" / "memento-peer.py"), str(RUNS), str(WORKERS), str(REPEATS)]
    done = subprocess.run(peer, capture_output=True, text=True)
    if done.returncode != 0 and "No module named 'memento'" in done.stderr:
        return None
    if done.returncode != 0:
        raise RuntimeError(f"bench/memento-peer.py failed:\n{done.stderr}")
    return float(done.stdout)


def main():
    os.environ.setdefault("LABBOOK_CLI", str(REPO / "bin" / "labbook"))
    pool = min(pool_once() for _ in range(REPEATS))
    memento = memento_seconds()
    driver = min(drive_once() for _ in range(REPEATS))
    bare = f"the same function over a bare concurrent.futures.ProcessPoolExecutor({WORKERS}), nothing persisted"
    name = f"python_driver_{RUNS}_trivial_runs_{WORKERS}_workers"
    memento_label = f"memento-ml 1.2.0, Memento(func, num_workers={WORKERS}).run (caches every result)"
    print_seconds_line(name, driver, pool, bare, "<= 2x")
    print_seconds_line(name, driver, memento, memento_label, "reported", missing="not installed (.venv-memento; make bench makes it)")


if __name__ == "__main__":
    sys.exit(main())
