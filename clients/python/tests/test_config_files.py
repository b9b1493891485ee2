"""Configuration files (MLXP's config.yaml, PyExperimenter's experiment configuration, labbook
specs) are read by the engine's YAML library, as the CLI reads specs: what PyYAML reads where
YAML 1.1 and 1.2 agree, full YAML (anchors too), numbers as YAML 1.2, and mistakes reported at
file:line:column, by the engine of the store or, before there is one, by the CLI."""

import pytest
import yaml as pyyaml

from labbook import SpecError
from labbook._cli import Cli
from labbook._driver import read_config
from test_pyexperimenter import CONFIG as PYEXPERIMENTER_CONFIG


MLXP_TUTORIAL = """
seed: 0
num_epoch: 10
model:
 num_units: 100
data:
 d_int: 10
 device: 'cpu'
optimizer:
 lr: 10.
"""

# PyExperimenter's example configuration, as its tests write it.
PYEXPERIMENTER_EXAMPLE = PYEXPERIMENTER_CONFIG

SPEC = """
# runs: 45
name: memento-grid
description: "The Memento paper's example grid"
parameters:
  dataset: [digits, wine, breast_cancer]
  layers: [[64, 64], [128]]
  optimizer: {name: adam, betas: [0.9, 0.999]}
settings:
  n_fold: 5
exclude:
  - {dataset: digits, model: svc}
  - dataset: wine
    model: rf
command: python train.py --dataset {dataset}
tags:
  - paper
  - "with: colon"
notes: |
  line one
  line two
"""


def read(directory, text, name="config.yaml"):
    (directory / name).write_text(text)
    return read_config(Cli(cwd=directory), name)


@pytest.mark.parametrize("text", [MLXP_TUTORIAL, PYEXPERIMENTER_EXAMPLE, SPEC], ids=["mlxp", "pyexperimenter", "spec"])
def test_configuration_files_read_as_pyyaml_reads_them(project, text):
    assert read(project, text) == pyyaml.safe_load(text)


def test_without_a_store_the_cli_reads_them_and_makes_no_store(tmp_path):
    assert read(tmp_path, MLXP_TUTORIAL) == pyyaml.safe_load(MLXP_TUTORIAL)
    assert not (tmp_path / ".labbook").exists()


@pytest.mark.parametrize(
    ("text", "value"),
    [("1e-3", 0.001), ("10.", 10.0), (".5", 0.5), ("-7", -7), ("0x1f", 31), ("yes", "yes"), ("~", None), ("'it''s'", "it's")],
)
def test_scalars_follow_the_yaml_1_2_core_schema(project, text, value):
    assert read(project, f"x: {text}") == {"x": value}


def test_anchors_and_aliases_are_yaml_too(project):
    assert read(project, "base: &b {lr: 0.1}\nother: *b\n") == {"base": {"lr": 0.1}, "other": {"lr": 0.1}}


@pytest.mark.parametrize(
    ("text", "where"),
    [("a: 1\na: 2", "config.yaml:2:1: "), ("a: [1, 2", "config.yaml:1:"), ("a:\n  b: 1\n    c: 2", "config.yaml:2:6: ")],
)
def test_mistakes_are_spec_errors_at_file_line_column(project, text, where):
    with pytest.raises(SpecError) as raised:
        read(project, text)
    assert raised.value.code == "LB_SPEC_INVALID" and str(raised.value).startswith(where)


def test_a_missing_file_is_spec_not_found(project):
    with pytest.raises(SpecError) as raised:
        read_config(Cli(cwd=project), "nowhere.yaml")
    assert raised.value.code == "LB_SPEC_NOT_FOUND"
