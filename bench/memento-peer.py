"""The peer of bench/python-driver.bench.py: RUNS trivial runs through memento-ml
(`Memento(func, num_workers=WORKERS).run(matrix)`, which caches every result in its SQLite
file), in a new directory each time. Runs in .venv-memento (memento-ml pins old pandas and
numpy, so it has a venv of its own); prints the best of REPEATS in seconds.

    .venv-memento/bin/python bench/memento-peer.py RUNS WORKERS REPEATS
"""

import os
import sys
import tempfile
import time

from memento import Memento


def trivial(context, config):
    return config.i * 2


def once(runs, workers):
    with tempfile.TemporaryDirectory(prefix="memento-bench-") as directory:
        os.chdir(directory)
        start = time.perf_counter()
        results = Memento(trivial, num_workers=workers).run({"parameters": {"i": list(range(runs))}})
        seconds = time.perf_counter() - start
        os.chdir("/")
        assert sum(result.inner for result in results) == runs * (runs - 1), "every run must complete"
    return seconds


def main():
    runs, workers, repeats = (int(arg) for arg in sys.argv[1:4])
    print(min(once(runs, workers) for _ in range(repeats)))


if __name__ == "__main__":
    sys.exit(main())
