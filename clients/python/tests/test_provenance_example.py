"""examples/provenance: the grid records its provenance by itself; lineage goes from an
evaluation back to its datasets; the leaderboard flags the run on another test split; regress
fails a worse candidate (exit 1) and passes a better one (exit 0)."""

import json
import subprocess
import sys

from helpers import LABBOOK_BIN, REPO_ROOT, labbook_json

EXAMPLE = REPO_ROOT / "examples" / "provenance"


def labbook(project, *args):
    return subprocess.run([str(LABBOOK_BIN), *args], cwd=project, capture_output=True, text=True, timeout=120)


def example(project, script, *args):
    done = subprocess.run([sys.executable, str(EXAMPLE / script), *args], cwd=project, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_grid_records_lineage_a_leaderboard_and_regression_checks(project):
    example(project, "grid.py", "--workers", "2")
    kinds = [entity["kind"] for entity in labbook_json(project, "entities")]
    assert {kind: kinds.count(kind) for kind in set(kinds)} == {
        "dataset": 4,  # train and test of two splits
        "training_run": 5,
        "transform": 5,
        "model": 5,
        "prediction": 5,
        "evaluation": 5,
    }

    # One evaluation, back to its datasets.
    evaluation = labbook_json(project, "entities", "kind=evaluation")[0]
    tree = labbook(project, "lineage", evaluation["uid"][:12]).stdout
    assert tree.startswith(f"evaluation accuracy {evaluation['uid'][:12]} = ")
    assert "evaluated_on dataset digits-test@split-0" in tree
    assert "trained_on dataset digits-train@split-0" in tree
    assert "derived_from transform Pipeline" in tree
    dot = labbook(project, "lineage", evaluation["uid"][:12], "--format", "dot").stdout
    assert dot.startswith("digraph lineage {") and '[label="trained_on"]' in dot

    # The lineage query: evaluations of the models trained on split 1's training set.
    on_split_1 = labbook_json(project, "entities", "kind=evaluation", "upstream=dataset:digits-train@split-1", "via=trained_on")
    assert len(on_split_1) == 1

    board = labbook_json(project, "leaderboard", "--task", "digits", "--metric", "accuracy")
    assert [entry["rank"] for entry in board["ranked"]] == [1, 2, 3, 4]
    values = [entry["value"] for entry in board["ranked"]]
    assert values == sorted(values, reverse=True)
    [odd] = board["incomparable"]
    assert odd["evaluations"] == [on_split_1[0]["uid"]]
    assert "digits-test@split-1" in odd["reason"] and "the board on dataset digits-test@split-0" in odd["reason"]

    example(project, "candidate.py", "worse")
    worse = labbook(project, "regress", "--baseline", "task=digits", "--candidate", "tag=candidate-worse", "--metric", "accuracy", "--notify", "console")
    assert worse.returncode == 1, worse.stderr
    assert worse.stdout.startswith("REGRESSED candidate-worse")
    assert "accuracy regressed: 1 of 1 candidates worse than their baseline" in worse.stderr

    example(project, "candidate.py", "better")
    better = labbook(project, "--json", "regress", "--baseline", "task=digits", "--candidate", "tag=candidate-better", "--metric", "accuracy")
    assert better.returncode == 0, better.stderr
    report = json.loads(better.stdout)
    assert report["regressions"] == 0 and report["checks"][0]["worseBy"] < 0

    nothing = labbook(project, "regress", "--baseline", "task=digits", "--candidate", "tag=nothing", "--metric", "accuracy")
    assert nothing.returncode == 2 and "selects no evaluation" in nothing.stderr
