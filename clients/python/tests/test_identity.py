"""Callables and classes as parameter values are identified by their qualified name."""

import enum
import json
from collections import OrderedDict

import pytest

from labbook import IdentityError, identity, run_hash
from labbook._identity import identities


def load_data():
    return [1, 2, 3]


class Model:
    pass


class Color(enum.Enum):
    RED = 1


class Scaler:
    def __init__(self, low=0):
        self.low = low

    def __repr__(self):
        return f"Scaler(low={self.low})"


def test_functions_and_classes_become_module_dot_qualname():
    assert identity(load_data) == f"{__name__}.load_data"
    assert identity(Model) == f"{__name__}.Model"
    assert identity(json.dumps) == "json.dumps"
    assert identity(len) == "builtins.len"


def test_nested_values_are_converted_recursively():
    params = {"data": load_data, "grid": (Model, 0.1), "opts": OrderedDict(a=Color.RED)}
    assert identity(params) == {
        "data": f"{__name__}.load_data",
        "grid": [f"{__name__}.Model", 0.1],
        "opts": {"a": f"{__name__}.Color.RED"},
    }


def test_objects_with_a_stable_repr_are_identified_by_it():
    assert identity(Scaler(2)) == "Scaler(low=2)"


def test_objects_whose_repr_shows_an_address_are_refused():
    with pytest.raises(IdentityError, match="memory address"):
        identity(object())


def test_the_hash_of_a_callable_is_the_hash_of_its_name():
    assert run_hash(identity({"model": Model})) == run_hash({"model": f"{__name__}.Model"})


def test_two_lambdas_in_one_parameter_are_ambiguous():
    with pytest.raises(IdentityError, match="same identity"):
        identities([lambda: 1, lambda: 2], "f")


def test_the_same_object_twice_is_not_ambiguous():
    assert identities([Model, Model], "m") == [f"{__name__}.Model"] * 2


def test_non_text_keys_are_refused():
    with pytest.raises(IdentityError, match="keys must be text"):
        identity({1: "a"})
