"""PyExperimenter's side of bench/pyexperimenter.bench.ts: a no-op grid of RUNS experiments
executed by PyExperimenter 1.4, and what became of each. Prints one JSON line:

    mysql DIR RUNS WORKERS   WORKERS processes, each calling execute() on the same MySQL
                             (MariaDB) table, as its docs do to spread a table over machines;
                             the server comes from MARIADB_HOST, _PORT, _USER, _PASSWORD,
                             _DATABASE (scripts/mariadb-up.sh prints them).
    sqlite DIR RUNS N_JOBS   one execute() with its SQLite provider and n_jobs: N_JOBS.

{"seconds": from the first worker's execute() to the last one's end, "done": rows in state
done, "not_done": the others, "executed_twice": experiments the function ran more than once,
"error": the innermost exception of the first error a worker raised (or null)}. Exit 3 when
py_experimenter is not installed. DIR is the working directory (PyExperimenter writes logs/
and its .db there).
"""

import json
import os
import re
import subprocess
import sys
import time
import traceback
from collections import Counter

try:
    from py_experimenter.experimenter import PyExperimenter
except ImportError:
    sys.exit(3)

TABLE = "noop_grid"


def write_configuration(directory, provider, runs, n_jobs):
    database = os.environ.get("MARIADB_DATABASE", "labbook_bench") if provider == "mysql" else "noop"
    with open(os.path.join(directory, "experiment.yml"), "w") as f:
        f.write(
            f"PY_EXPERIMENTER:\n  n_jobs: {n_jobs}\n  Database:\n    provider: {provider}\n"
            f"    database: {database}\n    table:\n      name: {TABLE}\n"
            f"      keyfields:\n        i:\n          type: INT\n          values:\n"
            f"            start: 0\n            stop: {runs}\n"
        )
    with open(os.path.join(directory, "credentials.yml"), "w") as f:
        f.write(
            "CREDENTIALS:\n  Database:\n"
            f"    user: {os.environ.get('MARIADB_USER', '')}\n    password: {os.environ.get('MARIADB_PASSWORD', '')}\n"
            f"  Connection:\n    Standard:\n      server: {os.environ.get('MARIADB_HOST', '127.0.0.1')}\n"
        )


def experimenter():
    # No CodeCarbon: labbook's side measures no energy either; WARNING: no log line per run.
    return PyExperimenter("experiment.yml", "credentials.yml", use_codecarbon=False, log_level="WARNING")


def noop(keyfields, result_processor, custom_config):
    # One line per execution, O_APPEND: lines from concurrent processes do not interleave.
    with open("executed.txt", "a") as f:
        f.write(f"{keyfields['i']}\n")


def first_error():
    """The innermost exception of the one being handled, e.g. `sqlite3.OperationalError: database
    is locked` (PyExperimenter re-raises it wrapped, and its own last line says less)."""
    lines = traceback.format_exc().splitlines()
    return next((line for line in lines if re.match(r"^[\w.]+(Error|Exception)\b", line)), lines[-1])


def worker():
    """One process's execute() over the shared table: its start, end and first error."""
    connected = experimenter()
    started = time.time()
    error = None
    try:
        connected.execute(noop, n_jobs=1)
    except Exception:
        error = first_error()
    print(json.dumps({"started": started, "ended": time.time(), "error": error}))


def outcome(table, timings):
    states = Counter(table["status"])
    executions = Counter(open("executed.txt").read().split()) if os.path.exists("executed.txt") else Counter()
    errors = [t["error"] for t in timings if t["error"]]
    return {
        "seconds": max(t["ended"] for t in timings) - min(t["started"] for t in timings),
        "done": states.get("done", 0),
        "not_done": len(table) - states.get("done", 0),
        "executed_twice": sum(1 for count in executions.values() if count > 1),
        "error": errors[0] if errors else None,
    }


def mysql(runs, workers):
    write_configuration(".", "mysql", runs, 1)
    setup = experimenter()
    setup.delete_table()  # a table left by an interrupted bench
    setup.fill_table_from_config()
    processes = [
        subprocess.Popen([sys.executable, __file__, "mysql-worker"], stdout=subprocess.PIPE, text=True) for _ in range(workers)
    ]
    timings = [json.loads(p.communicate()[0]) for p in processes]
    result = outcome(setup.get_table(), timings)
    setup.delete_table()
    return result


def sqlite(runs, n_jobs):
    write_configuration(".", "sqlite", runs, n_jobs)
    setup = experimenter()
    setup.fill_table_from_config()
    started = time.time()
    error = None
    try:
        setup.execute(noop)
    except Exception:
        error = first_error()
    return outcome(setup.get_table(), [{"started": started, "ended": time.time(), "error": error}])


def main():
    mode = sys.argv[1]
    if mode == "mysql-worker":
        return worker()
    directory, runs, workers = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    os.chdir(directory)
    print(json.dumps(mysql(runs, workers) if mode == "mysql" else sqlite(runs, workers)))


if __name__ == "__main__":
    sys.exit(main())
