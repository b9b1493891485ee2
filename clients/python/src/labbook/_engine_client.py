"""A client of the resident engine (docs/protocol.md, "The engine protocol"): one Unix-socket
connection to the engine of a store, requests with ids, streamed answers.

`connect()` goes straight to the socket where the engine of the store is (the path is a rule
of the protocol, the same here as in the engine), so a client of a running engine never starts
Node; when none answers it starts the engine itself, one Node process."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import stat
import subprocess
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List, Mapping, Optional, Set, Tuple, Union

from . import __version__
from ._cli import Cli, cli_build
from ._errors import LabbookError, ProtocolError, error_for_answer
from ._store_location import StoreRef, find_store, is_postgres_url, store_dir_of, without_password

__all__ = ["EngineClient", "EngineUnavailableError", "connect", "engine_socket_path", "start_engine_early", "PROTOCOL_VERSION"]

PROTOCOL_VERSION = 1
# An engine that takes the connection but does not say hello by then is hung.
_HELLO_TIMEOUT_SECONDS = 10.0
# How long an engine that won the race to start may take to listen, before `engine start` is asked.
_STARTING_ENGINE_SECONDS = 2.0
_KEY_LENGTH = 16

PathLike = Union[str, "os.PathLike[str]"]


class EngineUnavailableError(LabbookError):
    """No engine answers, or the one that did closed the connection or speaks another protocol."""

    code = "LB_ENGINE_UNAVAILABLE"


def engine_socket_path(store_dir: StoreRef, env: Optional[Mapping[str, str]] = None) -> Path:
    """The socket of the engine of the store `store_dir` (``.labbook``, or a PostgreSQL URL):
    ``$XDG_RUNTIME_DIR/labbook``, else ``$TMPDIR`` (or /tmp) ``/labbook-UID``, then 16 hex
    digits of the sha256 of the store's real path (of the URL without its password), ``.sock``."""
    env = os.environ if env is None else env
    runtime, tmp = env.get("XDG_RUNTIME_DIR"), env.get("TMPDIR")
    if runtime and os.path.isabs(runtime):
        directory = Path(runtime) / "labbook"
    else:
        directory = Path(tmp if tmp and os.path.isabs(tmp) else "/tmp") / f"labbook-{os.getuid()}"
    identity = without_password(store_dir) if is_postgres_url(store_dir) else os.path.realpath(store_dir)
    key = hashlib.sha256(os.fsencode(identity)).hexdigest()[:_KEY_LENGTH]
    return directory / f"{key}.sock"


class EngineClient:
    """One connection to an engine. Requests may be sent ahead (`send`) and their answers
    collected in any order (`result`); answers read while waiting for another are kept."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._buffer = b""
        self._next_id = 1
        self._answers: Dict[Any, Dict[str, Any]] = {}
        self._chunks: Dict[Any, List[List[Any]]] = {}
        # Requests sent with `notify`: their answers are dropped as they come.
        self._unheard: Set[int] = set()
        #: What the engine said to `hello`: version, protocol, pid, store.
        self.hello: Dict[str, Any] = {}

    @classmethod
    def connect(cls, path: PathLike) -> "EngineClient":
        """Connects to the socket; raises FileNotFoundError or ConnectionRefusedError when no
        engine listens there."""
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(os.fspath(path))
        except BaseException:
            sock.close()
            raise
        return cls(sock)

    def send(self, method: str, params: Optional[Mapping[str, Any]] = None) -> int:
        """Sends a request without waiting for its answer; returns its id."""
        request_id = self._next_id
        self._next_id += 1
        message: Dict[str, Any] = {"id": request_id, "method": method}
        if params is not None:
            message["params"] = params
        try:
            self._sock.sendall(json.dumps(message, separators=(",", ":")).encode() + b"\n")
        except OSError as error:
            raise EngineUnavailableError(f"the connection to the engine failed: {error}") from None
        return request_id

    def notify(self, method: str, params: Optional[Mapping[str, Any]] = None) -> None:
        """Sends a request whose answer nobody waits for (what the engine records in order,
        such as a run's metrics: a later request's answer comes after it is handled)."""
        self._unheard.add(self.send(method, params))

    def result(self, request_id: int) -> Any:
        """The answer to the request `request_id`; raises the error the engine answered with
        (the class of its code, as the CLI's errors: StoreNotFoundError, SpecError…)."""
        while request_id not in self._answers:
            self._read_message()
        self._chunks.pop(request_id, None)
        return _value(self._answers.pop(request_id))

    def request(self, method: str, params: Optional[Mapping[str, Any]] = None) -> Any:
        return self.result(self.send(method, params))

    def stream(self, method: str, params: Optional[Mapping[str, Any]] = None) -> Iterator[Any]:
        """The rows of a streamed answer (e.g. ``listRuns``) as they come; the final answer is
        the generator's return value."""
        return (yield from self.rows(self.send(method, params)))

    def rows(self, request_id: int) -> Iterator[Any]:
        """The rows of the streamed answer to the request `request_id`, as `stream` gives them."""
        while True:
            for chunk in self._chunks.pop(request_id, []):
                yield from chunk
            if request_id in self._answers:
                return _value(self._answers.pop(request_id))
            self._read_message()

    def close(self) -> None:
        self._sock.close()

    def __enter__(self) -> "EngineClient":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _read_message(self) -> None:
        message = json.loads(self._read_line())
        request_id = message.get("id")
        if request_id in self._unheard:
            if "chunk" not in message:
                self._unheard.discard(request_id)
        elif "chunk" in message:
            self._chunks.setdefault(request_id, []).append(message["chunk"])
        elif request_id is None:  # about the connection, not one request (a refused client)
            _value(message)
        else:
            self._answers[request_id] = message

    def _read_line(self) -> bytes:
        while True:
            end = self._buffer.find(b"\n")
            if end != -1:
                line, self._buffer = self._buffer[:end], self._buffer[end + 1 :]
                return line
            try:
                received = self._sock.recv(1 << 16)
            except socket.timeout:
                raise
            except OSError as error:
                raise EngineUnavailableError(f"the connection to the engine failed: {error}") from None
            if not received:
                raise EngineUnavailableError("the engine closed the connection before it answered")
            self._buffer += received


def _value(answer: Dict[str, Any]) -> Any:
    if answer.get("ok"):
        return answer.get("value")
    error = answer.get("error") or {}
    code, message = error.get("code"), error.get("message", "the engine refused the request")
    raise error_for_answer(code, message, error.get("exit"))


def connect(
    cwd: Optional[PathLike] = None,
    store: Optional[PathLike] = None,
    env: Optional[Mapping[str, str]] = None,
    client: str = "python",
) -> EngineClient:
    """A connection to the engine of the store (``store``, else ``$LABBOOK_STORE``, else the
    nearest ``.labbook`` above `cwd`): started here (``labbook engine serve --background``)
    when none answers, and by ``labbook engine start`` when that fails or one of another
    version or build answers (it replaces an idle one). The CLI reports what stops it (no store,
    an engine of another version that is busy) as its error: StoreNotFoundError, CliError with the code…"""
    environ: Dict[str, str] = dict(os.environ if env is None else env)
    base = Path(cwd or os.getcwd())
    store_dir = store_dir_of(store, base) if store else find_store(base, environ)
    if store_dir is not None:
        path = engine_socket_path(store_dir, environ)
        launcher = _launched_here(path)
        engine = _greet(path, client)
        # None answers: start one (one Node process, not the CLI's two); `engine start` below handles the rest.
        if engine is None:
            launcher = launcher or _launch(Cli(base, store, environ), store_dir)
            if launcher is not None and _ready(launcher):
                engine = _greet_soon(path, client)
        elif launcher is not None:
            _ready(launcher)  # its line must be read: an engine whose pipe is closed ends on writing to it
        if engine is not None and _same_labbook(engine.hello, environ):
            return engine
        if engine is not None:
            engine.close()
    status = Cli(base, store, environ).json(["engine", "start"])
    engine = _greet(Path(status["socket"]), client)
    if engine is None:
        raise EngineUnavailableError(f"the engine labbook started does not answer on {status['socket']}; see its log {status.get('log')}")
    if engine.hello.get("protocol") != PROTOCOL_VERSION:
        engine.close()
        raise EngineUnavailableError(
            f"the engine (labbook {engine.hello.get('version')}) speaks protocol {engine.hello.get('protocol')}, this client "
            f"(labbook {__version__}) protocol {PROTOCOL_VERSION}: install the Python client of the labbook that runs it"
        )
    return engine


# Engines started early (start_engine_early) and not waited for yet, by socket, with the pid of
# the process that started each: a process forked meanwhile (a driver's slot) inherits this,
# and must not wait for them (it does not hold their pipe alone, and it is not their parent).
_launching: Dict[Path, Tuple[int, "subprocess.Popen[bytes]"]] = {}


def start_engine_early(cli: Cli, store_dir: StoreRef) -> None:
    """Starts the engine of the store when nothing is there (no socket), without waiting for
    it: connect() waits for it later, so that what a driver does meanwhile (its grid, its fork
    server) overlaps the engine's start."""
    path = engine_socket_path(store_dir, cli.env)
    if path not in _launching and not path.exists():
        launcher = _launch(cli, store_dir)
        if launcher is not None:
            _launching[path] = (os.getpid(), launcher)


def _launched_here(path: Path) -> "Optional[subprocess.Popen[bytes]]":
    """The launcher of the engine this process started early for `path`, taken (once)."""
    started = _launching.get(path)
    if started is None or started[0] != os.getpid():
        return None
    del _launching[path]
    return started[1]


def _launch(cli: Cli, store_dir: StoreRef) -> "Optional[subprocess.Popen[bytes]]":
    """Starts ``labbook engine serve --background`` for the store, detached (its own session,
    not a child of this process: a shell starts it and leaves); None when it cannot."""
    cwd = os.path.expanduser("~") if is_postgres_url(store_dir) else os.path.dirname(os.path.realpath(store_dir))
    store = [] if cli.store is not None or is_postgres_url(store_dir) else ["--store", os.fspath(store_dir)]
    argv = ["/bin/sh", "-c", '"$@" &', "sh", *cli.argv([*store, "engine", "serve", "--background"])]
    try:
        return subprocess.Popen(
            argv, cwd=cwd, env=cli.env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True
        )
    except OSError:
        return None


def _ready(launcher: "subprocess.Popen[bytes]") -> bool:
    """True once the engine `launcher` started says it is ready, or that another engine took
    the lock first; False otherwise (the caller then asks ``labbook engine start``, which says
    why it cannot)."""
    with launcher:
        launcher.wait()
        said = launcher.stdout.readline() if launcher.stdout else b""
    try:
        answer = json.loads(said)
    except ValueError:
        return False
    return "ready" in answer or (answer.get("error") or {}).get("code") == "LB_ENGINE_ALREADY_RUNNING"


def _same_labbook(hello: Mapping[str, Any], env: Mapping[str, str]) -> bool:
    """Whether the engine that said `hello` runs this labbook: its version, and the build of the
    CLI this client starts (where it can tell). Else ``labbook engine start`` replaces it when it
    is idle, or says why not."""
    build = cli_build(env)
    return hello.get("version") == __version__ and (build is None or hello.get("build") == build)


def _greet_soon(path: Path, client: str) -> Optional[EngineClient]:
    """_greet, tried again for a moment: the engine that won a race to start (against the one
    this client started) may not listen yet."""
    delay, deadline = 0.005, time.monotonic() + _STARTING_ENGINE_SECONDS
    while True:
        engine = _greet(path, client)
        if engine is not None or time.monotonic() > deadline:
            return engine
        time.sleep(delay)
        delay = min(delay * 2, 0.1)


def _greet(path: Path, client: str) -> Optional[EngineClient]:
    """The engine on `path`, greeted; None when none answers there, or when its directory is
    not this user's alone (another user could be listening on the path: the CLI refuses it
    with the reason)."""
    if not _private_directory(path.parent):
        return None
    try:
        engine = EngineClient.connect(path)
    except (FileNotFoundError, ConnectionRefusedError):
        return None
    engine._sock.settimeout(_HELLO_TIMEOUT_SECONDS)
    try:
        engine.hello = engine.request("hello", {"version": __version__, "client": client})
    except (EngineUnavailableError, socket.timeout) as error:
        engine.close()
        if isinstance(error, socket.timeout):
            raise EngineUnavailableError(
                f"an engine took the connection on {path} but did not answer within {_HELLO_TIMEOUT_SECONDS:.0f} s: it may be hung; "
                "kill its process (the 'labbook engine serve' of this store) and retry"
            ) from None
        return None  # it stopped meanwhile (idle, or replaced)
    engine._sock.settimeout(None)
    return engine


def _private_directory(directory: Path) -> bool:
    try:
        found = os.lstat(directory)
    except OSError:
        return False
    return stat.S_ISDIR(found.st_mode) and found.st_uid == os.getuid() and found.st_mode & 0o077 == 0
