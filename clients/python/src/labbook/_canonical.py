"""RFC 8785 canonical JSON and the run hash, identical to the TypeScript side.

`test/vectors/hash.json` (shared with `src/spec/canonical-json.ts`) proves both agree.
"""

from __future__ import annotations

import hashlib
import math
import re
from typing import Any, Dict

__all__ = ["canonical_json", "run_hash", "format_number"]

# Integers beyond this do not survive a trip through an IEEE double (what JavaScript uses).
_MAX_SAFE_INTEGER = 2**53 - 1

_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f\ud800-\udfff]')

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def canonical_json(value: Any) -> str:
    """The RFC 8785 canonical form of a JSON value: sorted keys, no whitespace,
    ECMAScript number formatting. Raises TypeError for anything that is not JSON
    (use :func:`labbook.identity` first for callables and classes)."""
    parts: list[str] = []
    _write(value, parts)
    return "".join(parts)


def run_hash(params: Dict[str, Any]) -> str:
    """A run's identity within its experiment: sha256 (hex) of its parameters' canonical JSON."""
    return hashlib.sha256(canonical_json(params).encode("utf-8")).hexdigest()


def _write(value: Any, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        out.append(_string(value))
    elif isinstance(value, int):
        out.append(str(value) if abs(value) <= _MAX_SAFE_INTEGER else format_number(float(value)))
    elif isinstance(value, float):
        out.append(format_number(value))
    elif isinstance(value, (list, tuple)):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _write(item, out)
        out.append("]")
    elif isinstance(value, dict):
        out.append("{")
        for i, key in enumerate(sorted(value, key=_utf16_key)):
            if not isinstance(key, str):
                raise TypeError(f"JSON object keys must be text, not {type(key).__name__} {key!r}")
            if i:
                out.append(",")
            out.append(_string(key))
            out.append(":")
            _write(value[key], out)
        out.append("}")
    else:
        raise TypeError(
            f"a {type(value).__name__} is not a JSON value; pass parameters through labbook.identity() "
            "(callables and classes become their qualified names)"
        )


def _utf16_key(key: Any) -> bytes:
    # Big-endian UTF-16 bytes compare exactly as the sequence of UTF-16 code units (RFC 8785 §3.2.3).
    return key.encode("utf-16-be", "surrogatepass") if isinstance(key, str) else b""


def _string(text: str) -> str:
    """What ECMAScript's JSON.stringify writes: short escapes, \\u00xx for other controls,
    lone surrogates escaped, everything else literal."""
    if _NEEDS_ESCAPE.search(text) is None:  # most keys and values: nothing to escape (a regex scans in C)
        return f'"{text}"'
    chars = ['"']
    for ch in text:
        code = ord(ch)
        if ch in _ESCAPES:
            chars.append(_ESCAPES[ch])
        elif code < 0x20 or 0xD800 <= code <= 0xDFFF:
            chars.append(f"\\u{code:04x}")
        else:
            chars.append(ch)
    chars.append('"')
    return "".join(chars)


def format_number(x: float) -> str:
    """ECMAScript Number::toString: the shortest digits that round-trip (Python's repr finds
    them), laid out as JavaScript does (`1e-7`, `0.000001`, `1e+21`, `123456789012345680000`)."""
    if math.isnan(x) or math.isinf(x):
        raise ValueError(f"{x} cannot be written as JSON; use null or a string")
    if x == 0:
        return "0"
    if x < 0:
        return "-" + format_number(-x)
    digits, n = _shortest_digits(x)
    k = len(digits)
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return "0." + "0" * (-n) + digits
    exponent = n - 1
    sign = "+" if exponent >= 0 else "-"
    mantissa = digits if k == 1 else digits[0] + "." + digits[1:]
    return f"{mantissa}e{sign}{abs(exponent)}"


def _shortest_digits(x: float) -> tuple[str, int]:
    """(digits, n) with x = 0.digits × 10^n, digits without leading or trailing zeros."""
    text = repr(x)
    mantissa, _, exp = text.partition("e")
    whole, _, frac = mantissa.partition(".")
    digits = (whole + frac).lstrip("0")
    n = len(whole) + (int(exp) if exp else 0)
    # Leading zeros of "0.000123" shift the decimal point left.
    n -= len(whole + frac) - len((whole + frac).lstrip("0"))
    return digits.rstrip("0") or "0", n
