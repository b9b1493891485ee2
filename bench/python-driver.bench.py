"""1,000 trivial Python runs through labbook.run with 2 workers (every run persisted in the
store) beside the same function over a bare concurrent.futures process pool. Prints one JSON
line: {"name", "value", "unit", "baseline", "baselineLabel", "ratio", "target"} (seconds, the best
of 3 for each, as the other benches do; ratio = labbook / baseline; issue 6's target: within 2x).

    .venv/bin/python bench/python-driver.bench.py      (needs the engine: labbook run)
"""

import concurrent.futures
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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


def main():
    os.environ.setdefault("LABBOOK_CLI", str(REPO / "bin" / "labbook"))
    baseline = min(pool_once() for _ in range(REPEATS))
    driver = min(drive_once() for _ in range(REPEATS))
    print(
        json.dumps(
            {
                "name": f"python_driver_{RUNS}_trivial_runs_{WORKERS}_workers",
                "value": round(driver, 3),
                "unit": "s",
                "baseline": round(baseline, 3),
                "baselineLabel": f"the same function over a bare concurrent.futures.ProcessPoolExecutor({WORKERS}), nothing persisted",
                "ratio": round(driver / baseline, 2),
                "target": "<= 2x",
            }
        )
    )


if __name__ == "__main__":
    sys.exit(main())
