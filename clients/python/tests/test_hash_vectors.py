"""The Python hash is the TypeScript hash: both load test/vectors/hash.json."""

import json
import math
from pathlib import Path

import pytest

import labbook
from labbook import canonical_json, run_hash
from labbook._canonical import format_number

REPO_ROOT = Path(__file__).resolve().parents[3]
VECTORS = json.loads((REPO_ROOT / "test" / "vectors" / "hash.json").read_text(encoding="utf-8"))["vectors"]


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_vector_canonical_form_and_hash(vector):
    params = json.loads(vector["params_json"])
    assert canonical_json(params) == vector["canonical"]
    assert run_hash(params) == vector["sha256"]


def test_there_are_vectors_to_check():
    assert len(VECTORS) >= 10


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (1.0, "1"),
        (-0.0, "0"),
        (1e-7, "1e-7"),
        (1.5e-7, "1.5e-7"),
        (1e-6, "0.000001"),
        (1e21, "1e+21"),
        (1e20, "100000000000000000000"),
        (123.456, "123.456"),
        (2**53 + 2, "9007199254740994"),
        (2**60, "1152921504606847000"),
    ],
)
def test_numbers_are_written_as_ecmascript_writes_them(number, text):
    assert canonical_json(number) == text


def test_integers_beyond_2_53_round_like_javascript():
    # JavaScript reads 9007199254740993 as the double 9007199254740992.
    assert canonical_json(2**53 + 1) == "9007199254740992"


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_numbers_are_refused(bad):
    with pytest.raises(ValueError, match="cannot be written as JSON"):
        format_number(bad)


def test_non_json_values_are_refused_with_a_hint():
    with pytest.raises(TypeError, match="labbook.identity"):
        canonical_json({"model": object()})


def test_lone_surrogates_are_escaped_like_json_stringify():
    assert canonical_json("\ud800x") == '"\\ud800x"'


def test_tuples_hash_like_lists():
    assert run_hash({"layers": (64, 64)}) == run_hash({"layers": [64, 64]})


def test_public_api_exposes_hashing():
    assert labbook.run_hash is run_hash
