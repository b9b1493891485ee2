"""The configuration YAML reader agrees with PyYAML on configuration files (where YAML 1.1
and 1.2 agree), and reads numbers as YAML 1.2 (labbook's CLI) does."""

import math

import pytest
import yaml as pyyaml

from labbook._yaml import YamlError, load_yaml

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

PYEXPERIMENTER_EXAMPLE = """
PY_EXPERIMENTER:
  n_jobs: 1

  Database:
    provider: sqlite
    database: py_experimenter
    table:
      name: example_general_usage
      keyfields:
        dataset:
          type: VARCHAR(255)
          values: ['iris']
        seed:
          type: int
          values:
            start: 2
            stop: 7
            step: 2
        kernel:
          type: VARCHAR(255)
          values: ['linear', 'poly', 'rbf', 'sigmoid']
      result_timestamps: False
      resultfields:
        pipeline: LONGTEXT
        test_f1: DECIMAL

  Custom:
    datapath: sample_data   # a comment
"""

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


@pytest.mark.parametrize("text", [MLXP_TUTORIAL, PYEXPERIMENTER_EXAMPLE, SPEC], ids=["mlxp", "pyexperimenter", "spec"])
def test_configuration_files_read_as_pyyaml_reads_them(text):
    assert load_yaml(text) == pyyaml.safe_load(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [("1e-3", 0.001), ("10.", 10.0), (".5", 0.5), ("-7", -7), ("0x1f", 31), ("yes", "yes"), ("~", None), ("'it''s'", "it's")],
)
def test_scalars_follow_the_yaml_1_2_core_schema(text, value):
    assert load_yaml(f"x: {text}") == {"x": value}


def test_special_floats():
    data = load_yaml("a: .inf\nb: -.inf\nc: .nan")
    assert data["a"] == math.inf and data["b"] == -math.inf and math.isnan(data["c"])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: 1\na: 2", ":2: duplicate key 'a'"),
        ("a: &x 1", "anchors, aliases and tags are not supported"),
        ("a: [1, 2", "missing ']'"),
        ("a:\n  b: 1\n    c: 2", "unexpected indentation"),
    ],
)
def test_errors_say_where_and_what(text, message):
    with pytest.raises(YamlError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_yaml(text, "config.yaml")
