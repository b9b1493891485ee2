"""The run's end of the fd-3 channel: lines out, answers in."""

from __future__ import annotations

import os
from typing import Any, Callable, Dict, List

from ._errors import ChannelClosedError, ProtocolError
from ._protocol import Reply, decode_reply, encode_request

__all__ = ["Channel", "read_through"]

# Descriptors whose answers are read by someone else: in a driver's slot the connection also
# carries the runs the engine sends ahead, and the slot hands a run's channel only its answers.
_readers: Dict[int, Callable[[], bytes]] = {}


# Descriptors whose runs' last lines go out with what the slot writes as each run ends (its
# `!end`): one system call, and one wake-up of the engine, per run instead of two.
_held_last_lines: Dict[int, bytes] = {}


def read_through(fd: int, reader: Callable[[], bytes]) -> None:
    """Channels on `fd` read their answers with `reader()` (bytes of whole lines; b"" at
    the end) instead of from the descriptor."""
    _readers[fd] = reader


def hold_last_lines(fd: int) -> None:
    """What channels on `fd` have queued when their run finishes waits for take_last_lines."""
    _held_last_lines[fd] = b""


def take_last_lines(fd: int) -> bytes:
    """The last lines of the run that just finished on `fd` (see hold_last_lines)."""
    held = _held_last_lines.get(fd, b"")
    _held_last_lines[fd] = b""
    return held


class Channel:
    """Writes protocol lines to a file descriptor and reads the worker's answers from it.

    Messages are queued and written together (one system call for many lines); a request
    writes everything queued before it, so the worker handles them first, then blocks until
    its answer arrives."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._pending: List[bytes] = []
        self._pending_bytes = 0
        self._inbox = b""
        self._next_id = 1
        self._read = _readers.get(fd) or (lambda: os.read(fd, 65536))

    def send(self, line: bytes) -> None:
        """Queues one line; it is written by the next flush or request."""
        self._pending.append(line)
        self._pending_bytes += len(line)
        if self._pending_bytes >= 1 << 20:
            self.flush_writes()

    def flush_writes(self) -> None:
        """Writes every queued line (does not wait for the worker to store them)."""
        if not self._pending:
            return
        data = b"".join(self._pending)
        self._pending.clear()
        self._pending_bytes = 0
        view = memoryview(data)
        while view:
            try:
                written = os.write(self.fd, view)
            except BrokenPipeError as error:
                raise ChannelClosedError("the labbook worker closed the run's channel (fd 3)") from error
            view = view[written:]

    def finish_writes(self) -> None:
        """Writes every queued line as the run finishes; on a descriptor whose last lines are
        held (a driver's slot), hands them to the slot instead."""
        if self.fd in _held_last_lines:
            _held_last_lines[self.fd] += b"".join(self._pending)
            self._pending.clear()
            self._pending_bytes = 0
            return
        self.flush_writes()

    def request(self, kind: str, **fields: Any) -> Any:
        """Sends a request and returns the worker's answer value; raises ProtocolError when
        the worker refuses it."""
        request_id = self._next_id
        self._next_id += 1
        self.send(encode_request(request_id, kind, **fields))
        self.flush_writes()
        reply = self._read_reply(request_id)
        if not reply.ok:
            raise ProtocolError(f"{kind}: {reply.message}", reply.code)
        return reply.value

    def _read_reply(self, request_id: int) -> Reply:
        while True:
            newline = self._inbox.find(b"\n")
            if newline < 0:
                chunk = self._read()
                if not chunk:
                    raise ChannelClosedError(f"the labbook worker closed the channel before answering request {request_id}")
                self._inbox += chunk
                continue
            line, self._inbox = self._inbox[:newline], self._inbox[newline + 1 :]
            if not line.strip():
                continue
            reply = decode_reply(line)
            # Requests are answered in order; an older id is a late answer nobody waits for.
            if reply.id == request_id:
                return reply
