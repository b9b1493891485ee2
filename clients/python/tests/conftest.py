"""Shared fixtures: a real labbook store per test (made by the real CLI), and the CLI of
this checkout."""

import subprocess
from pathlib import Path

import pytest

from helpers import LABBOOK_BIN, REPO_ROOT
from labbook import LabbookError, __version__
from labbook._engine_client import EngineClient


def pytest_configure(config):
    if not (REPO_ROOT / "dist" / "cli" / "labbook.js").exists():
        raise pytest.UsageError("the TypeScript CLI is not built: run `make build` (or npm run build) at the repo root first")


@pytest.fixture(autouse=True)
def labbook_env(monkeypatch, tmp_path_factory):
    """Every test uses this checkout's CLI and no store it did not make. The engines it starts
    put their sockets in a directory of its own, and are stopped when it ends (else each would
    wait for its idle timeout, minutes, beside the engines of the tests after it)."""
    monkeypatch.setenv("LABBOOK_CLI", str(LABBOOK_BIN))
    for name in ("LABBOOK_STORE", "LABBOOK_CHANNEL_FD", "LABBOOK_EXPERIMENT", "LABBOOK_RUN_ID", "LABBOOK_URL", "LABBOOK_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    runtime = tmp_path_factory.mktemp("run")
    runtime.chmod(0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    yield
    for socket_path in (runtime / "labbook").glob("*.sock"):
        try:
            with EngineClient.connect(socket_path) as engine:
                engine.request("hello", {"version": __version__, "client": "pytest"})
                engine.request("shutdown")
        except (OSError, LabbookError):
            pass  # gone already


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project directory with an initialised store, as the working directory."""
    subprocess.run([str(LABBOOK_BIN), "init"], cwd=tmp_path, check=True, capture_output=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path

