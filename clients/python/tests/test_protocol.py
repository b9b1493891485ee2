"""The fd-3 protocol lines, encoded and decoded in isolation (docs/protocol.md)."""

import json
import math

import pytest

from labbook._protocol import (
    NotJsonError,
    decode_reply,
    encode_artifact,
    encode_log,
    encode_points,
    encode_request,
    encode_result,
    metric_value,
    to_json_value,
)


def parse(line: bytes):
    assert line.endswith(b"\n") and line.count(b"\n") == 1, "one message is exactly one line"
    return json.loads(line)


def test_points_use_the_bulk_form():
    line = encode_points([["loss", 1, 0.5, 1700000000000], ["val.acc", None, None, 1700000000001]])
    assert parse(line) == {
        "type": "metrics",
        "points": [["loss", 1, 0.5, 1700000000000], ["val.acc", None, None, 1700000000001]],
    }


@pytest.mark.parametrize(("value", "sent"), [(1, 1.0), (0.25, 0.25), (True, 1.0), (math.nan, None), (-math.inf, None)])
def test_metric_values_are_floats_or_null(value, sent):
    assert metric_value(value) == sent


def test_metric_values_must_be_numbers():
    with pytest.raises(ValueError):
        metric_value("high")


def test_artifact_line_has_media_type_only_when_given():
    assert parse(encode_artifact("model.pkl", "/runs/3/model.pkl")) == {"type": "artifact", "name": "model.pkl", "path": "/runs/3/model.pkl"}
    assert parse(encode_artifact("plot", "p.png", "image/png"))["media_type"] == "image/png"


def test_result_is_converted_to_plain_json():
    class Array:
        def tolist(self):
            return [0.9, float("nan")]

    assert parse(encode_result({"scores": Array(), "best": (1, 2), 3: "x"})) == {
        "type": "result",
        "value": {"scores": [0.9, None], "best": [1, 2], "3": "x"},
    }


def test_text_stays_literal_utf8():
    assert encode_log("données ✓") == '{"type":"log","message":"données ✓","level":"info"}\n'.encode("utf-8")


def test_log_levels_are_checked():
    with pytest.raises(ValueError, match="debug, info, warning, error"):
        encode_log("x", "fatal")


def test_requests_carry_their_id_and_fields():
    assert parse(encode_request(7, "should_prune", step=3, value=0.5)) == {"id": 7, "type": "should_prune", "step": 3, "value": 0.5}


def test_decoding_answers():
    ok = decode_reply(b'{"id": 7, "ok": true, "value": {"sha256": "ab", "size": 3}}')
    assert (ok.id, ok.ok, ok.value) == (7, True, {"sha256": "ab", "size": 3})
    refused = decode_reply('{"id": 8, "ok": false, "error": {"code": "LB_PROTOCOL_BAD_REQUEST", "message": "no path"}}')
    assert (refused.ok, refused.code, refused.message) == (False, "LB_PROTOCOL_BAD_REQUEST", "no path")


@pytest.mark.parametrize("line", [b"[]", b'{"ok": true}', b'{"id": "1", "ok": true}', b'{"id": 1}'])
def test_lines_that_are_not_answers_are_rejected(line):
    with pytest.raises(ValueError):
        decode_reply(line)


def test_objects_that_are_not_json_are_reported():
    with pytest.raises(NotJsonError, match="object"):
        to_json_value(object())
