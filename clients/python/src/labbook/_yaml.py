"""A small YAML reader for configuration files (MLXP's config.yaml, PyExperimenter's
experiment configuration, labbook specs), so the client needs no dependency.

Supported: block mappings and sequences, flow ``[...]`` and ``{...}``, plain, single- and
double-quoted scalars, ``|`` and ``>`` block scalars, comments, ``---``. Scalars follow the
YAML 1.2 core schema, as labbook's CLI reads them (``1e-3`` is a number, ``yes`` is text).
Anchors, aliases and tags are refused with a clear error. A mistake is a SpecError (labbook's
LB_SPEC_INVALID) that names the file and the line: these files are what the user wrote."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, List, Optional, Tuple

from ._errors import SpecError

__all__ = ["load_yaml", "read_config_file", "YamlError"]

_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")


class YamlError(SpecError):
    """The text is not YAML this reader understands; says where."""


def read_config_file(path: Path, what: str, hint: str) -> str:
    """The text of a file the user named (`what`: "spec file", …), with the CLI's codes for a
    spec file: LB_SPEC_NOT_FOUND when it is missing (`hint` says what to give), LB_SPEC_UNREADABLE
    when the system cannot read it, LB_SPEC_INVALID when it is not UTF-8 text."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError(f"{path}: no such {what}; {hint}", "LB_SPEC_NOT_FOUND") from None
    except OSError as error:
        raise SpecError(f"{path}: cannot read the {what} ({error.strerror or error}); check the path and its permissions", "LB_SPEC_UNREADABLE") from None
    except UnicodeDecodeError as error:
        raise SpecError(f"{path}: the {what} is not UTF-8 text (byte {error.start}); save it as UTF-8") from None


class _BadQuote(ValueError):
    """Quoted text that does not end or does not decode; the caller knows the line."""


def load_yaml(text: str, source: str = "<yaml>") -> Any:
    lines = []
    for number, raw in enumerate(text.splitlines(), 1):
        if raw.strip() in ("---", "...") and not raw.startswith(" "):
            continue
        lines.append((number, raw.rstrip()))
    parser = _Parser(lines, source)
    try:
        value = parser.block(0)
    except _BadQuote as error:  # in a key: on the line the parser is at
        raise parser.error(str(error)) from None
    parser.expect_end()
    return value


class _Parser:
    def __init__(self, lines: List[Tuple[int, str]], source: str) -> None:
        self.lines = lines
        self.source = source
        self.i = 0

    def error(self, message: str, number: Optional[int] = None) -> YamlError:
        if number is None:
            number = self.lines[min(self.i, len(self.lines) - 1)][0] if self.lines else 1
        return YamlError(f"{self.source}:{number}: {message}")

    def skip_blank(self) -> None:
        while self.i < len(self.lines) and _strip_comment(self.lines[self.i][1]).strip() == "":
            self.i += 1

    def expect_end(self) -> None:
        self.skip_blank()
        if self.i < len(self.lines):
            raise self.error("unexpected content (check the indentation)")

    def block(self, indent: int) -> Any:
        self.skip_blank()
        if self.i >= len(self.lines):
            return None
        number, raw = self.lines[self.i]
        here = _indent(raw)
        if here < indent:
            return None
        content = _strip_comment(raw).strip()
        if content.startswith("- ") or content == "-":
            return self.sequence(here)
        if _split_key(content) is not None:
            return self.mapping(here)
        self.i += 1
        return _scalar_or_flow(content, self, number)

    def sequence(self, indent: int) -> List[Any]:
        items = []
        while True:
            self.skip_blank()
            if self.i >= len(self.lines):
                return items
            number, raw = self.lines[self.i]
            content = _strip_comment(raw).strip()
            if _indent(raw) != indent or not (content.startswith("- ") or content == "-"):
                return items
            rest = content[1:].strip()
            if not rest:
                self.i += 1
                items.append(self.block(indent + 1))
            elif _split_key(rest) is not None and not rest.startswith(("[", "{", '"', "'")):
                # "- key: value" starts a mapping whose keys line up after the dash.
                self.lines[self.i] = (number, " " * (indent + 2) + rest)
                items.append(self.mapping(indent + 2))
            else:
                self.i += 1
                items.append(_scalar_or_flow(rest, self, number))

    def mapping(self, indent: int) -> dict:
        result: dict = {}
        while True:
            self.skip_blank()
            if self.i >= len(self.lines):
                return result
            number, raw = self.lines[self.i]
            if _indent(raw) != indent:
                if _indent(raw) > indent:
                    raise self.error("unexpected indentation")
                return result
            content = _strip_comment(raw).strip()
            split = _split_key(content)
            if split is None:
                raise self.error(f"expected 'key: value', found {content!r}")
            key, rest = split
            if key in result:
                raise self.error(f"duplicate key {key!r}")
            self.i += 1
            if rest in ("|", "|-", "|+", ">", ">-", ">+"):
                result[key] = self.block_scalar(indent, rest)
            elif rest:
                result[key] = _scalar_or_flow(rest, self, number)
            else:
                self.skip_blank()
                nested = self.i < len(self.lines) and (
                    _indent(self.lines[self.i][1]) > indent
                    or (_indent(self.lines[self.i][1]) == indent and _strip_comment(self.lines[self.i][1]).strip().startswith("- "))
                )
                result[key] = self.block(_indent(self.lines[self.i][1])) if nested else None

    def block_scalar(self, indent: int, style: str) -> str:
        collected: List[str] = []
        block_indent = None
        while self.i < len(self.lines):
            raw = self.lines[self.i][1]
            if raw.strip() and _indent(raw) <= indent:
                break
            if raw.strip() and block_indent is None:
                block_indent = _indent(raw)
            collected.append(raw[block_indent or 0 :] if raw.strip() else "")
            self.i += 1
        while collected and not collected[-1] and not style.endswith("+"):
            collected.pop()
        text = "\n".join(collected) if style.startswith("|") else " ".join(c for c in collected if c)
        return text if style.endswith("-") else text + "\n"


def _indent(raw: str) -> int:
    return len(raw) - len(raw.lstrip(" "))


def _strip_comment(raw: str) -> str:
    quote = None
    for i, ch in enumerate(raw):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or raw[i - 1] in " \t"):
            return raw[:i]
    return raw


def _split_key(content: str) -> Optional[Tuple[str, str]]:
    """('key', 'rest') for 'key: rest' or 'key:'; None if the line is not a mapping entry."""
    if content.startswith(("[", "{")):
        return None
    if content[:1] in "'\"":
        end = content.find(content[0], 1)
        if end > 0 and content[end + 1 : end + 2] == ":" and content[end + 2 : end + 3] in ("", " "):
            return _unquote(content[: end + 1]), content[end + 2 :].strip()
        return None
    match = re.match(r"^([^:#]+?|[^:#]*:[^ ][^#]*?):(\s+|$)(.*)$", content)
    if not match:
        return None
    return match.group(1).strip(), match.group(3).strip()


def _scalar_or_flow(text: str, parser: _Parser, number: int) -> Any:
    if text[:1] in ("&", "*", "!"):
        raise parser.error("anchors, aliases and tags are not supported; write the value out", number)
    try:
        if text[:1] not in "[{":
            return _scalar(text)
        value, end = _Flow(text, parser, number).value(0)
    except _BadQuote as error:
        raise parser.error(str(error), number) from None
    if text[end:].strip():
        raise parser.error(f"unexpected text after the value: {text[end:].strip()!r}", number)
    return value


def _scalar(text: str) -> Any:
    if text[:1] in "'\"":
        return _unquote(text)
    if text in ("", "~", "null", "Null", "NULL"):
        return None
    if text in ("true", "True", "TRUE"):
        return True
    if text in ("false", "False", "FALSE"):
        return False
    if _INT.match(text):
        return int(text)
    if re.match(r"^0x[0-9a-fA-F]+$", text):
        return int(text, 16)
    if re.match(r"^0o[0-7]+$", text):
        return int(text[2:], 8)
    if _FLOAT.match(text):
        return float(text)
    if text in (".inf", ".Inf", ".INF", "+.inf"):
        return float("inf")
    if text in ("-.inf", "-.Inf", "-.INF"):
        return float("-inf")
    if text in (".nan", ".NaN", ".NAN"):
        return float("nan")
    return text


def _unquote(text: str) -> str:
    if text.startswith("'"):
        if not text.endswith("'") or len(text) < 2:
            raise _BadQuote(f"unterminated quoted text {text!r}")
        return text[1:-1].replace("''", "'")
    try:
        return json.loads(text)
    except ValueError as error:
        raise _BadQuote(f"bad double-quoted text {text!r}: {error}") from None


class _Flow:
    """``[...]`` and ``{...}`` on one line."""

    def __init__(self, text: str, parser: _Parser, number: int) -> None:
        self.text, self.parser, self.number = text, parser, number

    def fail(self, message: str) -> YamlError:
        return self.parser.error(message, self.number)

    def value(self, i: int) -> Tuple[Any, int]:
        i = self.space(i)
        ch = self.text[i : i + 1]
        if ch == "[":
            return self.items(i + 1, "]")
        if ch == "{":
            return self.items(i + 1, "}")
        if ch in ("'", '"'):
            end = i + 1
            while end < len(self.text):
                if self.text[end] == ch and not (ch == '"' and self.text[end - 1] == "\\"):
                    if ch == "'" and self.text[end + 1 : end + 2] == "'":
                        end += 2
                        continue
                    break
                end += 1
            return _unquote(self.text[i : end + 1]), end + 1
        end = i
        while end < len(self.text) and self.text[end] not in ",]}" and not (self.text[end] == ":" and self.text[end + 1 : end + 2] in (" ", "")):
            end += 1
        return _scalar(self.text[i:end].strip()), end

    def items(self, i: int, close: str) -> Tuple[Any, int]:
        result: Any = [] if close == "]" else {}
        while True:
            i = self.space(i)
            if i >= len(self.text):
                raise self.fail(f"missing '{close}'")
            if self.text[i] == close:
                return result, i + 1
            item, i = self.value(i)
            i = self.space(i)
            if close == "}":
                if self.text[i : i + 1] != ":":
                    raise self.fail(f"expected ':' after key {item!r}")
                value, i = self.value(i + 1)
                result[str(item)] = value
                i = self.space(i)
            else:
                result.append(item)
            if i >= len(self.text):
                raise self.fail(f"missing '{close}'")
            if self.text[i] == ",":
                i += 1
            elif self.text[i] != close:
                raise self.fail(f"expected ',' or '{close}'")

    def space(self, i: int) -> int:
        while i < len(self.text) and self.text[i] in " \t":
            i += 1
        return i
