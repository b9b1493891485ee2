"""Helpers shared by the test files."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
LABBOOK_BIN = REPO_ROOT / "bin" / "labbook"


def run_python(code, cwd, env=None, check=True):
    """Runs `code` in a fresh Python process (the venv's interpreter) in `cwd`."""
    full_env = {**os.environ, **(env or {})}
    done = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=full_env, capture_output=True, text=True)
    if check and done.returncode != 0:
        raise AssertionError(f"python exited {done.returncode}\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}")
    return done


def labbook_json(cwd, *args):
    """The parsed --json output of a real labbook command: a list for a stream (NDJSON, as ``ls`` prints)."""
    done = subprocess.run([str(LABBOOK_BIN), "--json", *args], cwd=cwd, capture_output=True, text=True, check=True)
    if args[0] == "ls":
        return [json.loads(line) for line in done.stdout.splitlines() if line]
    return json.loads(done.stdout)


def query_store(project, sql, *params):
    """Rows of a read-only query on the project's store (for what the CLI does not show yet)."""
    db = sqlite3.connect(f"file:{project / '.labbook' / 'labbook.db'}?mode=ro", uri=True)
    try:
        return db.execute(sql, params).fetchall()
    finally:
        db.close()
