"""What every run of a Python command pays before its own code: starting the interpreter and
`import labbook` with the run's path (`labbook.context`, the fd-3 client). Beside it, in the
same bench run, a bare interpreter and, when installed in the bench venv, `import mlflow` (the
tracking client an MLflow user's run imports). Best of 15 process starts each, in seconds;
prints one JSON line per baseline (ratio = labbook / baseline).

    .venv-bench/bin/python bench/python-startup.bench.py      (make bench sets it up)
"""

import json
import subprocess
import sys
import time

STARTS = 15
LABBOOK = "import labbook; labbook.context"


def best_start(code):
    """Seconds for the fastest of STARTS processes running `code`, or None if it fails."""
    best = None
    for _ in range(STARTS):
        start = time.perf_counter()
        if subprocess.run([sys.executable, "-c", code], capture_output=True).returncode != 0:
            return None
        seconds = time.perf_counter() - start
        best = seconds if best is None else min(best, seconds)
    return best


def line(labbook, baseline, label):
    name = "python_run_startup_import_labbook"
    if baseline is None:
        return {"name": name, "skipped": f"{label}: not installed in the bench venv"}
    return {
        "name": name,
        "value": round(labbook, 4),
        "unit": "s",
        "baseline": round(baseline, 4),
        "baselineLabel": label,
        "ratio": round(labbook / baseline, 2),
        "target": "reported",
    }


def main():
    labbook = best_start(LABBOOK)
    if labbook is None:
        raise RuntimeError(f"python -c {LABBOOK!r} failed: is the client installed in this venv?")
    print(json.dumps(line(labbook, best_start("pass"), "a bare interpreter (python -c pass)")))
    print(json.dumps(line(labbook, best_start("import mlflow"), "import mlflow")))


if __name__ == "__main__":
    sys.exit(main())
