"""Running the ``labbook`` command line: the Python client drives the engine and reads the
store through it (never around it)."""

from __future__ import annotations

import functools
import json
import os
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any, List, Mapping, Optional, Sequence
from urllib.parse import unquote, urlparse

from ._errors import CliNotFoundError, error_for_code
from ._store_location import is_postgres_url

__all__ = ["cli_command", "cli_build", "run_cli", "cli_json", "Cli"]


def cli_command(env: Optional[Mapping[str, str]] = None) -> List[str]:
    """The argv prefix that runs labbook: $LABBOOK_CLI (a command line), else the `bin/labbook`
    of the labbook checkout this package was installed from, else `labbook` on PATH (`make
    install` puts it there). The checkout comes before PATH: its CLI is the one this client was
    made with."""
    env = os.environ if env is None else env
    if env.get("LABBOOK_CLI"):
        argv = shlex.split(env["LABBOOK_CLI"])
        if not argv or shutil.which(argv[0], path=env.get("PATH")) is None:
            raise CliNotFoundError(f"LABBOOK_CLI is {env['LABBOOK_CLI']!r}, which is not a command here: {_INSTALL_HINT}")
        return argv
    checkout_cli = _checkout_cli()
    if checkout_cli is not None:
        return [str(checkout_cli)]
    found = shutil.which("labbook", path=env.get("PATH"))
    if found:
        return [found]
    raise CliNotFoundError(f"cannot find the labbook command: {_INSTALL_HINT}")


def cli_build(env: Optional[Mapping[str, str]] = None) -> Optional[str]:
    """The build of the labbook that cli_command runs (its dist/cli/build-id, a digest of its
    bundles), or None when that is not a checkout's bin/labbook or it cannot be found: an engine
    of another build runs other code than this CLI, as one of another version does."""
    env = os.environ if env is None else env
    return _build_of(env.get("LABBOOK_CLI"), env.get("PATH"))


# Once per process for each way of finding the CLI (cli_command may read package metadata).
@functools.lru_cache(maxsize=None)
def _build_of(labbook_cli: Optional[str], path: Optional[str]) -> Optional[str]:
    env = {k: v for k, v in (("LABBOOK_CLI", labbook_cli), ("PATH", path)) if v is not None}
    try:
        argv0 = cli_command(env)[0]
    except CliNotFoundError:
        return None
    root = Path(os.path.realpath(shutil.which(argv0, path=path) or argv0)).parent.parent
    try:
        return (root / "dist" / "cli" / "build-id").read_text().strip() or None
    except OSError:
        return None


_INSTALL_HINT = (
    "run `make install` in a labbook checkout (it puts labbook on PATH), or set LABBOOK_CLI to the path of "
    "a checkout's bin/labbook"
)


def _checkout_cli() -> Optional[Path]:
    """The `bin/labbook` of the checkout this package comes from: the directory pip installed it
    from (``pip install ./clients/python`` records it in the package's direct_url.json, PEP 610),
    or the one its own files are in (an editable install, or the sources on sys.path)."""
    for origin in (_installed_from(), Path(__file__).resolve()):
        for parent in origin.parents if origin else ():
            if (parent / "bin" / "labbook").is_file() and (parent / "package.json").is_file():
                return parent / "bin" / "labbook"
    return None


def _installed_from() -> Optional[Path]:
    from importlib import metadata  # only when no LABBOOK_CLI is set: it costs a few ms

    try:
        text = metadata.distribution("labbook").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None
    url = urlparse(json.loads(text).get("url", "") if text else "")
    return Path(unquote(url.path)) if url.scheme == "file" else None


class Cli:
    """The labbook CLI bound to a working directory and a store."""

    def __init__(self, cwd: Optional[os.PathLike] = None, store: Optional[os.PathLike] = None, env: Optional[Mapping[str, str]] = None) -> None:
        self.cwd = Path(cwd or os.getcwd())
        self.env = dict(os.environ if env is None else env)
        # A PostgreSQL store's URL may hold a password: it goes in the environment, not on a command line.
        if is_postgres_url(store):
            self.env["LABBOOK_STORE"] = str(store)
            store = None
        self.store = Path(store) if store else None
        self.argv0 = cli_command(self.env)

    def argv(self, args: Sequence[str], json_output: bool = False) -> List[str]:
        argv = list(self.argv0)
        if self.store is not None:
            argv += ["--store", str(self.store)]
        if json_output:
            argv.append("--json")
        return argv + list(args)

    def run(self, args: Sequence[str], json_output: bool = False, check: bool = True) -> subprocess.CompletedProcess:
        """Runs a command to completion, capturing its output; raises the CliError subclass
        for the CLI's error code when it fails and `check` is set."""
        done = subprocess.run(self.argv(args, json_output), cwd=self.cwd, env=self.env, capture_output=True, text=True)
        if check and done.returncode != 0:
            raise _cli_failure(done)
        return done

    def json(self, args: Sequence[str]) -> Any:
        """Runs a command with --json and returns its parsed output."""
        return json.loads(self.run(args, json_output=True).stdout)

    def json_lines(self, args: Sequence[str]) -> List[Any]:
        """Runs a command whose --json output is a stream (NDJSON, e.g. ``ls``) and returns its documents."""
        return [json.loads(line) for line in self.run(args, json_output=True).stdout.splitlines() if line]


def run_cli(args: Sequence[str], cwd: Optional[os.PathLike] = None, store: Optional[os.PathLike] = None) -> subprocess.CompletedProcess:
    return Cli(cwd, store).run(args)


def cli_json(args: Sequence[str], cwd: Optional[os.PathLike] = None, store: Optional[os.PathLike] = None) -> Any:
    return Cli(cwd, store).json(args)


def _cli_failure(done: subprocess.CompletedProcess) -> Exception:
    text = (done.stderr or "").strip()
    code = None
    # With --json, errors may come as {"code": …, "message": …}; else "labbook: message".
    try:
        data = json.loads(text.splitlines()[-1]) if text else None
        if isinstance(data, dict) and "message" in data:
            code, text = data.get("code"), data["message"]
    except ValueError:
        pass
    if text.startswith("labbook: "):
        text = text[len("labbook: ") :]
    return error_for_code(code, text or f"labbook exited with status {done.returncode}", done.returncode)
