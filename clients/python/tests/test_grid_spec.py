"""A Memento-style config matrix becomes a labbook spec the real CLI accepts, and run hashes
lead back to the Python objects."""

import json
import subprocess

import pytest

from helpers import LABBOOK_BIN, labbook_json
from labbook import identity, run_hash
from labbook._grid import Grid
from labbook.compat.memento import _reachable_excludes, generate_configurations


def load_digits():
    return "digits"


def load_wine():
    return "wine"


class SVC:
    pass


class Forest:
    pass


MATRIX = {
    "parameters": {"dataset": [load_digits, load_wine], "model": [SVC, Forest], "C": (0.1, 1.0)},
    "settings": {"n_fold": 5, "scorer": object()},
    "exclude": [{"dataset": load_digits, "model": SVC}],
}


def test_the_spec_names_callables_by_qualified_name():
    spec = Grid.from_matrix("cv", MATRIX).spec(command=["run-me"])
    assert spec["parameters"]["dataset"] == [f"{__name__}.load_digits", f"{__name__}.load_wine"]
    assert spec["exclude"] == [{"dataset": f"{__name__}.load_digits", "model": f"{__name__}.SVC"}]
    assert spec["settings"] == {"n_fold": 5, "scorer": "<builtins.object>"}


def test_the_cli_plans_the_same_runs_as_the_python_grid(project):
    grid = Grid.from_matrix("cv", MATRIX)
    (project / "cv.json").write_text(json.dumps(grid.spec(command=["true"])))
    subprocess.run([str(LABBOOK_BIN), "add", "cv.json"], cwd=project, check=True, capture_output=True)
    stored = [run["hash"] for run in labbook_json(project, "ls")]
    assert stored == list(grid.by_hash())
    assert len(stored) == 6


def test_hashes_lead_back_to_the_objects():
    by_hash = Grid.from_matrix("cv", MATRIX).by_hash()
    config = by_hash[run_hash(identity({"dataset": load_wine, "model": SVC, "C": 1.0}))]
    assert config["dataset"] is load_wine and config["model"] is SVC


def test_includes_add_runs_after_the_grid():
    grid = Grid.from_matrix("g", {"parameters": {"a": [1, 2], "b": ["x"]}, "include": [{"a": 3}, {"a": 1}]})
    assert list(grid.configs()) == [{"a": 1, "b": "x"}, {"a": 2, "b": "x"}, {"a": 3, "b": "x"}]


@pytest.mark.parametrize("matrix", [{}, {"parameters": {"settings": [1]}}, {"parameters": {"a": [1]}, "exlude": []}])
def test_malformed_matrices_are_refused(matrix):
    with pytest.raises(ValueError):
        Grid.from_matrix("g", matrix)


def test_memento_keeps_only_excludes_that_can_match():
    matrix = {**MATRIX, "exclude": [{"dataset": load_digits, "model": SVC}, {"dataset": "imagenet"}, {"nope": 1}]}
    assert _reachable_excludes(matrix)["exclude"] == [{"dataset": load_digits, "model": SVC}]


def test_memento_generates_its_configurations_with_settings():
    configs = generate_configurations(MATRIX)
    assert len(configs) == 6
    assert configs[0].dataset is load_digits and configs[0].model is Forest and configs[0].settings["n_fold"] == 5
