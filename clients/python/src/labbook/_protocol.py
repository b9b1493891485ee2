"""The fd-3 run protocol (docs/protocol.md): encoding the lines a run sends and decoding the
worker's answers. Pure functions, no I/O."""

from __future__ import annotations

import json
import math
from typing import Any, List, NamedTuple, Optional, Sequence, Union

__all__ = [
    "Point",
    "Reply",
    "encode_points",
    "encode_artifact",
    "encode_result",
    "encode_log",
    "encode_request",
    "decode_reply",
    "metric_value",
    "to_json_value",
    "NotJsonError",
]

# [key, step, value, time_ms]: the bulk form of a metrics line.
Point = List[Any]

LOG_LEVELS = ("debug", "info", "warning", "error")


class NotJsonError(TypeError):
    """A value cannot be written as JSON, even after converting arrays and scalars."""


class Reply(NamedTuple):
    """The worker's answer to a request: ``value`` when ok, else ``code`` and ``message``.
    (A NamedTuple, not a dataclass: dataclasses would add ~5 ms to every run's start-up.)"""

    id: int
    ok: bool
    value: Any = None
    code: Optional[str] = None
    message: Optional[str] = None


def metric_value(value: Any) -> Optional[float]:
    """A metric value as the protocol carries it: a float, or None for NaN and ±infinity."""
    number = float(value)
    return number if math.isfinite(number) else None


def encode_points(points: Sequence[Point]) -> bytes:
    """One ``metrics`` line in the bulk form."""
    return _line({"type": "metrics", "points": points})


def encode_artifact(name: str, path: str, media_type: Optional[str] = None) -> bytes:
    message = {"type": "artifact", "name": name, "path": path}
    if media_type:
        message["media_type"] = media_type
    return _line(message)


def encode_result(value: Any) -> bytes:
    return _line({"type": "result", "value": to_json_value(value)})


def encode_log(message: str, level: str = "info") -> bytes:
    if level not in LOG_LEVELS:
        raise ValueError(f"log level must be one of {', '.join(LOG_LEVELS)}, not {level!r}")
    return _line({"type": "log", "message": str(message), "level": level})


def encode_request(request_id: int, kind: str, **fields: Any) -> bytes:
    return _line({"id": request_id, "type": kind, **fields})


def decode_reply(line: Union[bytes, str]) -> Reply:
    """Parses one answer line; raises ValueError for a line that is not an answer."""
    data = json.loads(line)
    if not isinstance(data, dict) or not isinstance(data.get("id"), int) or not isinstance(data.get("ok"), bool):
        raise ValueError(f"not an answer to a request: {line!r}")
    if data["ok"]:
        return Reply(data["id"], True, data.get("value"))
    error = data.get("error") if isinstance(data.get("error"), dict) else {}
    return Reply(data["id"], False, None, error.get("code", "LB_PROTOCOL_BAD_REQUEST"), error.get("message", ""))


def to_json_value(value: Any) -> Any:
    """`value` as plain JSON: arrays and numpy scalars via ``tolist``/``item``, tuples and
    sets as lists, non-finite floats as null. Raises NotJsonError for anything else."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {_json_key(k): to_json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_json_value(v) for v in value]
    for method in ("tolist", "item"):
        convert = getattr(value, method, None)
        if callable(convert):
            try:
                return to_json_value(convert())
            except (TypeError, ValueError):
                break
    raise NotJsonError(f"a {type(value).__name__} is not a JSON value")


def _json_key(key: Any) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, (int, float, bool)) or key is None:
        return json.dumps(key)
    raise NotJsonError(f"a {type(key).__name__} cannot be a JSON object key")


def _line(message: dict) -> bytes:
    return (json.dumps(message, separators=(",", ":"), ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")
