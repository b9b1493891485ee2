"""Errors of the Python client. Each has the stable ``code`` of docs/errors.md, so scripts
match on ``error.code``, never on the message."""

from __future__ import annotations

from typing import Dict, Optional, Type

__all__ = [
    "LabbookError",
    "ProtocolError",
    "ChannelClosedError",
    "CliNotFoundError",
    "CliError",
    "SpecError",
    "StoreNotFoundError",
    "UsageError",
    "error_for_answer",
    "error_for_code",
]


class LabbookError(Exception):
    """Base of every error labbook raises on purpose."""

    code = "LB_ERROR"

    def __init__(self, message: str, code: Optional[str] = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code


class ProtocolError(LabbookError):
    """The worker refused a request on the fd-3 channel."""

    code = "LB_PROTOCOL_BAD_REQUEST"


class ChannelClosedError(LabbookError):
    """The worker's end of the fd-3 channel closed while a request waited for its answer."""

    code = "LB_PROTOCOL_CHANNEL_CLOSED"


class CliNotFoundError(LabbookError):
    """No ``labbook`` command could be found to drive the engine."""

    code = "LB_CLI_NOT_FOUND"


class CliError(LabbookError):
    """A ``labbook`` command or the engine refused, or the client found the mistake before
    either could: ``exit_status`` is the CLI's for it."""

    code = "LB_CLI_FAILED"
    exit_status_default = 1

    def __init__(self, message: str, code: Optional[str] = None, exit_status: Optional[int] = None) -> None:
        super().__init__(message, code)
        self.exit_status = self.exit_status_default if exit_status is None else exit_status


class SpecError(CliError):
    """A mistake in a spec, an override or a configuration file; the message says where."""

    code = "LB_SPEC_INVALID"
    exit_status_default = 2


class StoreNotFoundError(CliError):
    code = "LB_STORE_NOT_FOUND"
    exit_status_default = 3


class UsageError(CliError):
    """A driver or the CLI was called wrongly (a bad argument value)."""

    code = "LB_USAGE"
    exit_status_default = 2


_BY_CODE: Dict[str, Type[CliError]] = {
    "LB_SPEC_INVALID": SpecError,
    "LB_OVERRIDE_INVALID": SpecError,
    "LB_SPEC_NOT_FOUND": SpecError,
    "LB_SPEC_UNREADABLE": SpecError,
    "LB_STORE_NOT_FOUND": StoreNotFoundError,
    "LB_USAGE": UsageError,
}


def error_for_code(code: Optional[str], message: str, exit_status: Optional[int]) -> CliError:
    """The exception for an error the CLI or the engine reported with `code` (with the CLI's
    exit status for it when known)."""
    cls = _BY_CODE.get(code or "", CliError)
    return cls(message, code, exit_status)


def error_for_answer(code: Optional[str], message: str, exit_status: Optional[int]) -> LabbookError:
    """The exception for an error the engine answered a request with (over its socket or HTTP):
    ProtocolError when it refused the request itself, else the error of its work."""
    if code == ProtocolError.code:
        return ProtocolError(message)
    return error_for_code(code, message, exit_status)
