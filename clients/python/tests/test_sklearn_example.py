"""examples/sklearn-grid: 45 real cross-validations; killed with SIGKILL halfway and run
again, it finishes without redoing completed runs."""

import os
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
    assert f"45 runs, {len(before)} from the cache" in done.stdout
    assert "breast_cancer" in done.stdout and "±" in done.stdout
