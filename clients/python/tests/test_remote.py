"""$LABBOOK_URL: a script run by hand on a machine without the store records its run through
a real `labbook ui` (the store's engine serving the HTTP API on 127.0.0.1, with a token)."""

import json
import subprocess
import textwrap

import pytest

from helpers import LABBOOK_BIN, labbook_json, query_store, run_python

TOKEN = "remote-token-0123456789abcdef"

SCRIPT = textwrap.dedent(
    """
    import labbook
    ctx = labbook.context(params={"lr": 0.1, "depth": 3}, experiment="far")
    for step in range(25_000):  # more than the client buffers (10,000), each flush split under 64 KiB
        ctx.log_metrics({"loss": 1 / (step + 1)}, step=step)
    ctx.log("trained")
    ctx.log_artifact(b"weights", name="model.bin")
    ctx.set_result({"accuracy": 0.93})
    print(ctx.run_id)
    """
)


@pytest.fixture
def served(project, monkeypatch):
    """The store of `project`, its API served on 127.0.0.1 with a token: the URL."""
    monkeypatch.setenv("LABBOOK_TOKEN", TOKEN)
    done = subprocess.run(
        [str(LABBOOK_BIN), "ui", "--no-open", "--port", "0", "--json"], cwd=project, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)["url"]


def test_a_script_elsewhere_records_its_run_through_labbook_url(served, project, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")  # no store here or above
    done = run_python(SCRIPT, cwd=elsewhere, env={"LABBOOK_URL": served, "LABBOOK_TOKEN": TOKEN})
    run_id = int(done.stdout.strip())
    assert "its artifacts and checkpoints are not" in done.stderr

    [run] = labbook_json(project, "ls")
    assert (run["id"], run["experiment"], run["state"]) == (run_id, "far", "COMPLETED")
    assert run["params"] == {"lr": 0.1, "depth": 3}
    assert run["result"] == {"accuracy": 0.93}
    [(count, last_step)] = query_store(project, "SELECT count(*), max(step) FROM metrics WHERE run_id = ?", run_id)
    assert (count, last_step) == (25_000, 24_999)
    assert query_store(project, "SELECT count(*) FROM artifacts WHERE run_id = ?", run_id) == [(0,)]
    assert "trained" in (project / ".labbook" / "runs" / str(run_id) / "labbook.log").read_text()


def test_a_script_that_raises_leaves_its_run_failed_with_the_traceback(served, project, tmp_path_factory):
    code = "import labbook\nctx = labbook.context(params={'x': 1}, experiment='far')\nraise ValueError('diverged')\n"
    done = run_python(code, cwd=tmp_path_factory.mktemp("elsewhere"), env={"LABBOOK_URL": served, "LABBOOK_TOKEN": TOKEN}, check=False)
    assert done.returncode == 1
    [run] = labbook_json(project, "ls")
    assert run["state"] == "FAILED"
    assert "ValueError: diverged" in run["error"]


def test_a_wrong_token_is_refused_before_anything_is_recorded(served, project, tmp_path_factory):
    code = textwrap.dedent(
        """
        import labbook
        try:
            labbook.context(params={"x": 1}, experiment="far")
        except labbook.LabbookError as error:
            print(error.code)
        """
    )
    done = run_python(code, cwd=tmp_path_factory.mktemp("elsewhere"), env={"LABBOOK_URL": served, "LABBOOK_TOKEN": "wrong-token-0123456789abcdef"})
    assert done.stdout.strip() == "LB_HTTP_UNAUTHORIZED"
    assert labbook_json(project, "ls") == []
