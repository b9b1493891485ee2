"""The resident engine's Python client: connect (starting the engine when none answers), requests with ids, streamed answers, and the engine's errors as exceptions."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from helpers import LABBOOK_BIN, REPO_ROOT, labbook_json
import labbook
from labbook import LabbookError, ProtocolError, StoreNotFoundError
from labbook._engine_client import connect, engine_socket_path

SPEC = """name: grid
command: ["true"]
parameters:
  i: range(5)
"""


@pytest.fixture
def engine_env(project, monkeypatch):
    """Engines of this test in a short directory of their own, stopped when it ends."""
    runtime = tempfile.mkdtemp(prefix="lb-run-", dir="/tmp")
    monkeypatch.setenv("XDG_RUNTIME_DIR", runtime)
    monkeypatch.setenv("LABBOOK_ENGINE_IDLE_TIMEOUT", "1m")
    yield runtime
    subprocess.run([str(LABBOOK_BIN), "engine", "stop"], cwd=project, capture_output=True)
    shutil.rmtree(runtime, ignore_errors=True)


def test_connect_starts_the_engine_and_requests_round_trip(project, engine_env):
    (project / "sweep.yaml").write_text(SPEC)
    labbook_json(project, "add", "sweep.yaml")
    with connect() as engine:
        assert engine.hello["store"] == str(project / ".labbook")
        assert engine.request("ping") is None
        status = engine.request("status")
        assert status["pid"] == engine.hello["pid"]
        assert [client["client"] for client in status["clients"]] == ["python"]
        assert engine.request("getRun", {"id": 2})["params"] == {"i": 1}
        assert engine.request("countRuns") == [{"experiment": "grid", "state": "PENDING", "count": 5}]


def test_listruns_streams_rows_and_returns_the_count(project, engine_env):
    (project / "sweep.yaml").write_text(SPEC)
    labbook_json(project, "add", "sweep.yaml")
    with connect() as engine:
        rows = engine.stream("listRuns", {"filter": {"query": "i >= 2"}, "chunkRows": 2})
        params = []
        while True:
            try:
                params.append(next(rows)["params"]["i"])
            except StopIteration as end:
                assert end.value == {"count": 3}
                break
        assert params == [2, 3, 4]


def test_requests_sent_ahead_are_answered_by_id_in_any_order(project, engine_env):
    with connect() as engine:
        first, second = engine.send("status"), engine.send("ping")
        assert engine.result(second) is None
        assert engine.result(first)["pid"] == engine.hello["pid"]


def test_a_running_engine_is_found_without_the_cli(project, engine_env, monkeypatch):
    with connect() as engine:
        pid = engine.hello["pid"]
    assert engine_socket_path(project / ".labbook") == Path(labbook_json(project, "engine", "status")["socket"])
    monkeypatch.setenv("LABBOOK_CLI", "/nonexistent/labbook")
    with connect() as engine:
        assert engine.hello["pid"] == pid


def test_engine_errors_raise_with_their_code(project, engine_env):
    with connect() as engine:
        with pytest.raises(LabbookError, match=r"no run '99'") as missing:
            engine.request("getRun", {"id": 99})
        assert missing.value.code == "LB_RUN_NOT_FOUND"
        with pytest.raises(LabbookError) as syntax:
            engine.request("listRuns", {"filter": {"query": "i >"}})
        assert syntax.value.code == "LB_QUERY_SYNTAX"
        with pytest.raises(ProtocolError, match=r"getRun: params\.id: Expected number, received string"):
            engine.request("getRun", {"id": "two"})
        assert engine.request("ping") is None  # the connection goes on


def test_no_store_is_the_clis_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(StoreNotFoundError, match="no labbook store"):
        connect()


def test_a_closed_connection_is_an_engine_unavailable_error(project, engine_env):
    with connect() as engine:
        engine.request("shutdown")
        with pytest.raises(LabbookError) as closed:
            engine.request("ping")
        assert closed.value.code == "LB_ENGINE_UNAVAILABLE"
    with connect() as engine:  # the next client starts a new one
        assert engine.request("ping") is None



def test_clients_starting_at_once_share_one_engine_started_without_engine_start(project, engine_env, tmp_path_factory):
    # A CLI that notes how it was called: the clients start the engine with `engine serve --background`, one Node process.
    calls = tmp_path_factory.mktemp("cli") / "calls"
    wrapper = calls.with_name("labbook")
    wrapper.write_text(f'#!/bin/sh\necho "$*" >> {calls}\nexec {LABBOOK_BIN} "$@"\n')
    wrapper.chmod(0o755)
    script = "import os\nfrom labbook._engine_client import connect\nwith connect() as e: print(e.hello['pid'], os.getpid())"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "LABBOOK_CLI": str(wrapper)}
    starts = [subprocess.Popen([sys.executable, "-c", script], cwd=project, env=env, stdout=subprocess.PIPE, text=True) for _ in range(6)]
    said = [start.communicate(timeout=120)[0].split() for start in starts]
    engines = {int(engine) for engine, _ in said}
    assert len(engines) == 1, said
    called = calls.read_text().splitlines()
    assert called and all(call.endswith("engine serve --background") for call in called), called
    status = labbook_json(project, "engine", "status")
    assert engines == {status["pid"]}
    # No client's child, in a session of its own: clients end without waiting for it, and leave no zombie.
    with open(f"/proc/{status['pid']}/stat") as stat:
        ppid, _, session = (int(field) for field in stat.read().rsplit(")", 1)[1].split()[1:4])
    assert ppid not in {int(client) for _, client in said}
    assert session != os.getsid(0)
    assert f"engine {status['version']} (pid {status['pid']}) serves" in Path(status["log"]).read_text()


def test_a_drive_starts_its_engine_while_it_walks_its_grid(project, engine_env, monkeypatch):
    from labbook import _engine_client
    from labbook._grid import Grid

    launching = []
    walk = Grid.by_hash

    def by_hash(grid):
        launching.append(len(_engine_client._launching))
        return walk(grid)

    monkeypatch.setattr(Grid, "by_hash", by_hash)
    results = labbook.run(lambda ctx, config: config.x * 2, {"parameters": {"x": [1, 2]}}, workers=1, experiment="early")
    assert [r.value for r in results] == [2, 4]
    assert launching == [1]  # started, not waited for, while the grid was walked
    assert _engine_client._launching == {}  # the connection waited for it


def test_runs_of_a_cold_drive_talk_to_the_engine_the_driver_started(project, engine_env):
    # The slots are forked while the driver's launch of the engine is pending: they must not wait for it themselves.
    def talk(ctx, config):
        from labbook._engine_client import connect as connect_here

        with connect_here() as engine:
            return engine.request("ping") is None

    results = labbook.run(talk, {"parameters": {"x": [1, 2]}}, workers=2, experiment="talk")
    assert [r.value for r in results] == [True, True]


def test_an_idle_engine_of_another_build_is_replaced_by_one_of_the_build_of_the_client(project, engine_env, tmp_path):
    # Another installation of the same version, built from other code (a checkout before a pull).
    other = tmp_path / "other-labbook"
    for part in ("bin", "dist/cli", "dist/engine", "dist/bin"):
        shutil.copytree(REPO_ROOT / part, other / part)
    shutil.copy(REPO_ROOT / "package.json", other / "package.json")
    (other / "dist" / "cli" / "build-id").write_text("before-the-pull\n")
    node = REPO_ROOT / ".tools" / "node" / "bin" / "node"
    env = {**os.environ, "LABBOOK_NODE": str(node) if node.exists() else shutil.which("node") or "node"}
    started = subprocess.run([str(other / "bin" / "labbook"), "--json", "engine", "start"], cwd=project, env=env, capture_output=True, text=True)
    assert started.returncode == 0, started.stderr
    old = json.loads(started.stdout)
    assert (old["version"], old["build"]) == (labbook.__version__, "before-the-pull")

    with connect() as engine:
        assert engine.hello["build"] == (REPO_ROOT / "dist" / "cli" / "build-id").read_text().strip()
        assert engine.hello["pid"] != old["pid"]
