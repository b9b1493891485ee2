"""A PostgreSQL store through the Python client: runs recorded by hand go through the engine
of the store (one per store per host, keyed by its URL without the password) into PostgreSQL,
and labbook.Reader reads them back. Needs $LABBOOK_TEST_POSTGRES (scripts/pg-up.sh prints
one): skipped without it, failed under CI, where .ci/run starts the server."""

import os
import re
import secrets
import subprocess
import textwrap
import time

import pytest

import labbook
from helpers import LABBOOK_BIN, run_python
from labbook._engine_client import engine_socket_path

SERVER = os.environ.get("LABBOOK_TEST_POSTGRES")

if not SERVER and os.environ.get("CI"):

    def test_postgres_is_required_under_ci():
        pytest.fail('LABBOOK_TEST_POSTGRES is not set; export LABBOOK_TEST_POSTGRES="$(sudo scripts/pg-up.sh)" (.ci/run does)')

else:
    pytestmark = pytest.mark.skipif(
        not SERVER, reason='no PostgreSQL for the tests; export LABBOOK_TEST_POSTGRES="$(sudo scripts/pg-up.sh)"'
    )

RECORD = textwrap.dedent(
    """
    import sys, labbook
    seed = int(sys.argv[1])
    ctx = labbook.context(params={"seed": seed}, experiment="byhand")
    for step in range(3):
        ctx.log_metrics({"loss": 1.0 / (seed + step + 1)}, step=step)
    ctx.set_result({"score": seed * 10})
    """
)


@pytest.fixture
def postgres_store(tmp_path, monkeypatch):
    """A new database on the test server, made into a store by `labbook init`, as LABBOOK_STORE."""
    name = f"lb_py_{secrets.token_hex(6)}"
    subprocess.run(["psql", SERVER, "-qc", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    url = SERVER.rsplit("/", 1)[0] + "/" + name
    subprocess.run([str(LABBOOK_BIN), "init", "--store", url, "--objects", str(tmp_path / "objects")], cwd=tmp_path, check=True, capture_output=True)
    monkeypatch.setenv("LABBOOK_STORE", url)
    monkeypatch.chdir(tmp_path)
    yield url
    subprocess.run([str(LABBOOK_BIN), "engine", "stop"], cwd=tmp_path, capture_output=True)
    drop_database(name)


def drop_database(name, attempts=5):
    """Drops a test database. WITH (FORCE) ends the sessions still in it, but not one it may not
    signal (an autovacuum worker that just started in it, on PostgreSQL 15): tried again, and
    what psql said is shown if it keeps failing."""
    for attempt in range(attempts):
        dropped = subprocess.run(["psql", SERVER, "-qc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], capture_output=True, text=True)
        if dropped.returncode == 0:
            return
        time.sleep(0.2 * (attempt + 1))
    pytest.fail(f"could not drop the test database {name}: {dropped.stderr.strip()}")


def test_runs_recorded_by_hand_reach_postgres_and_read_back(postgres_store, tmp_path):
    (tmp_path / "record.py").write_text(RECORD)
    for seed in (0, 1):
        run_python(f"import sys; sys.argv = ['record.py', '{seed}']; exec(open('record.py').read())", cwd=tmp_path)
    runs = labbook.Reader(postgres_store).runs()
    assert [(run["params"], run["state"], run["result"]) for run in runs] == [
        ({"seed": 0}, "COMPLETED", {"score": 0}),
        ({"seed": 1}, "COMPLETED", {"score": 10}),
    ]
    assert len(labbook.Reader(postgres_store).filter("score > 5")) == 1


def test_the_engine_socket_is_keyed_by_the_url_without_its_password(postgres_store):
    other_password = re.sub(r"^(postgres(?:ql)?://[^:@/]*):[^@/]*@", r"\1:another@", postgres_store)
    assert other_password != postgres_store
    assert engine_socket_path(other_password) == engine_socket_path(postgres_store)
