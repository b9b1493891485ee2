"""What every run of a Python command pays before its own code: starting the interpreter and
`import labbook` with the run's path (`labbook.context`, the fd-3 client). Beside it, in the
same bench run, a bare interpreter and, when installed in the bench venv, `import mlflow` (the
tracking client an MLflow user's run imports). Best of 15 process starts each, in seconds;
prints one JSON line per baseline (ratio = labbook / baseline).

    .venv-bench/bin/python bench/python-startup.bench.py      (make bench sets it up)
"""

import subprocess
import sys
import time

from seconds_line import print_seconds_line

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


def main():
    labbook = best_start(LABBOOK)
    if labbook is None:
        raise RuntimeError(f"python -c {LABBOOK!r} failed: is the client installed in this venv?")
    name = "python_run_startup_import_labbook"
    print_seconds_line(name, labbook, best_start("pass"), "a bare interpreter (python -c pass)", "reported", digits=4)
    print_seconds_line(name, labbook, best_start("import mlflow"), "import mlflow", "reported", digits=4, missing="not installed in the bench venv")


if __name__ == "__main__":
    sys.exit(main())
