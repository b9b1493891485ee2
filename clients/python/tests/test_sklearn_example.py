"""examples/sklearn-grid: 45 real cross-validations; killed with SIGKILL halfway and run
again, it finishes without redoing completed runs."""

import os
import re
import signal
import subprocess
import sys
import time

from helpers import REPO_ROOT, labbook_json

EXAMPLE = REPO_ROOT / "examples" / "sklearn-grid" / "grid.py"


def test_the_grid_has_45_runs():
    sys.path.insert(0, str(EXAMPLE.parent))
    try:
        import grid  # noqa: PLC0415
        from labbook.compat.memento import generate_configurations

        assert len(generate_configurations(grid.config_matrix)) == 45
    finally:
        sys.path.remove(str(EXAMPLE.parent))


def completed(project):
    return {r["id"]: r["attempt"] for r in labbook_json(project, "ls") if r["state"] == "COMPLETED"}


def test_killed_halfway_and_rerun_it_redoes_nothing_that_completed(project):
    first = subprocess.Popen([sys.executable, str(EXAMPLE), "--workers", "2"], cwd=project, start_new_session=True, stdout=subprocess.DEVNULL)
    while len(completed(project)) < 10:
        assert first.poll() is None, "the example ended before it could be killed"
        time.sleep(0.2)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    before = completed(project)
    assert 10 <= len(before) < 45
    done = subprocess.run([sys.executable, str(EXAMPLE), "--workers", "2"], cwd=project, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stderr
    after = completed(project)
    assert len(after) == 45
    assert all(after[run_id] == attempt for run_id, attempt in before.items()), "a completed run was run again"
    # What make demo shows, without a line per run: the count and the table on stdout; on
    # stderr the engine's progress (periodic lines when stderr is no terminal), the runs it
    # planned, and its end (a notice and a summary).
    lines = done.stdout.splitlines()
    assert lines[0] == f"45 runs, {len(before)} from the cache"
    assert lines[1].split() == ["dataset", "model", "accuracy"] and set(lines[2]) == {"-"}
    assert len(lines) == 3 + 9 and all("±" in line for line in lines[3:]), done.stdout
    engine_lines = [line for line in done.stderr.splitlines() if not re.match(r"\d{4}-\d\d-\d\dT\S+Z \d+/45 done", line)]
    assert len(engine_lines) == 3 and "45 runs planned" in engine_lines[0] and "requeued by this worker" in engine_lines[2], done.stderr
