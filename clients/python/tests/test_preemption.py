"""A worker told to go (SIGTERM: a scheduler's cancel, time limit or preemption) asks its runs
to checkpoint: a run that polls ``ctx.preempted()`` has the grace period to save and return,
one that registered ``ctx.on_preempt(fn)`` has ``fn`` called on its SIGTERM. Both go back to
the queue without spending an attempt, and the next worker resumes them."""

import json
import signal
import subprocess
import sys
import textwrap
import time

from helpers import LABBOOK_BIN, query_store

STEPS = 30

# Nothing checkpoints but the two preemption paths; `starts` records (attempt, first step).
TRAIN = textwrap.dedent(
    f"""
    import sys, time
    import labbook

    ctx = labbook.context()
    state = ctx.restore(default={{"step": 0}})
    start = state["step"]
    with open(ctx.run_dir / "starts", "a") as f:
        f.write(f"{{ctx.attempt}} {{start}}\\n")

    def save_on_signal():
        ctx.checkpoint(state)
        (ctx.run_dir / "saved_on_signal").write_text(str(state["step"]))

    if not ctx.params["polls"]:
        ctx.on_preempt(save_on_signal)
    while state["step"] < {STEPS}:
        time.sleep(0.1)
        state["step"] += 1
        (ctx.run_dir / "progress").write_text(str(state["step"]))
        if ctx.params["polls"] and ctx.preempted():
            ctx.checkpoint(state)
            (ctx.run_dir / "saved_when_asked").write_text(str(state["step"]))
            sys.exit(0)
    ctx.set_result({{"resumed_from": start}})
    """
)


def progress(project, run_id):
    path = project / ".labbook" / "runs" / str(run_id) / "progress"
    return int(path.read_text() or 0) if path.exists() else 0


def test_a_preempted_worker_has_its_runs_checkpoint_and_the_next_worker_resumes_them(project):
    (project / "train.py").write_text(TRAIN)
    spec = {"name": "preempted", "parameters": {"polls": [True, False]}, "command": [sys.executable, "train.py"], "retries": 0}
    (project / "sweep.json").write_text(json.dumps(spec))
    subprocess.run([str(LABBOOK_BIN), "add", "sweep.json"], cwd=project, check=True, capture_output=True)
    ids = {json.loads(params)["polls"]: run_id for run_id, params in query_store(project, "SELECT id, params FROM runs")}

    # A grace period far longer than the test: the worker ends only because the polling run
    # returns by itself, and the other one is signalled at once.
    worker = subprocess.Popen(
        [str(LABBOOK_BIN), "worker", "-j", "2", "--preempt-grace", "1h"], cwd=project, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 60
        while min(progress(project, ids[True]), progress(project, ids[False])) < 3:
            assert time.monotonic() < deadline, "the runs did not make three steps"
            time.sleep(0.05)
        worker.send_signal(signal.SIGTERM)
        _, stderr = worker.communicate(timeout=60)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()

    saved = {}
    for polls, marker in ((True, "saved_when_asked"), (False, "saved_on_signal")):
        run_id = ids[polls]
        state, failures, losses = query_store(project, "SELECT state, failures, losses FROM runs WHERE id = ?", run_id)[0]
        assert (state, failures, losses) == ("PENDING", 0, 0), stderr
        ((attempt,),) = query_store(project, "SELECT attempt FROM checkpoints WHERE run_id = ?", run_id)
        assert attempt == 1
        saved[run_id] = int((project / ".labbook" / "runs" / str(run_id) / marker).read_text())
        assert saved[run_id] >= 3
    assert not (project / ".labbook" / "runs" / str(ids[True]) / "saved_on_signal").exists()

    subprocess.run([str(LABBOOK_BIN), "worker", "-j", "2"], cwd=project, check=True, capture_output=True)
    for run_id, step in saved.items():
        state, attempt, failures, result = query_store(project, "SELECT state, attempt, failures, result FROM runs WHERE id = ?", run_id)[0]
        assert (state, attempt, failures, json.loads(result)) == ("COMPLETED", 2, 0, {"resumed_from": step})
        starts = (project / ".labbook" / "runs" / str(run_id) / "starts").read_text().split("\n")
        assert starts[:2] == ["1 0", f"2 {step}"]
