"""Configurations with attribute access (Memento's Config, MLXP's ConfigDict)."""

import pickle

import pytest

from labbook import Config


def test_keys_are_attributes_and_nested_mappings_too():
    config = Config({"model": {"num_units": 100}, "lr": 0.1}, {"n_fold": 5})
    assert config.lr == 0.1 and config["lr"] == 0.1
    assert config.model.num_units == 100
    assert config.settings["n_fold"] == 5
    assert dict(config) == {"model": {"num_units": 100}, "lr": 0.1}


def test_a_missing_parameter_names_the_known_ones():
    with pytest.raises(AttributeError, match=r"no parameter 'lrr'; the parameters are \['lr'\]"):
        Config({"lr": 0.1}).lrr


def test_configs_are_read_only():
    with pytest.raises(AttributeError, match="read-only"):
        Config({"lr": 0.1}).lr = 1


def test_configs_survive_pickling():
    config = pickle.loads(pickle.dumps(Config({"a": 1}, {"s": 2})))
    assert config.a == 1 and config.settings == {"s": 2}
