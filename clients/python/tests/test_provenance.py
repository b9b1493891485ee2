"""Provenance from Python: entities recorded through the engine with the ids the engine
computes, extraction from scikit-learn Pipelines (nested, FeatureUnion, ColumnTransformer),
pandas and NumPy data, and track_sklearn() recording fit, predict and score by itself."""

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

import labbook
from helpers import labbook_json
from labbook import provenance
from labbook._extract_data import describe_data
from labbook._extract_sklearn import describe_estimator, transform_graph


@pytest.fixture(autouse=True)
def fresh_recorder():
    """Each test records into its own project's store, on a connection of its own."""
    provenance._recorder = None
    yield
    if provenance._recorder is not None:
        provenance._recorder.close()
    provenance._recorder = None


def nested_pipeline():
    """A ColumnTransformer whose numeric branch is a Pipeline holding a FeatureUnion."""
    numeric = Pipeline([("scale", StandardScaler()), ("features", FeatureUnion([("pca", PCA(n_components=1)), ("identity", "passthrough")]))])
    columns = ColumnTransformer([("num", numeric, ["a", "b"]), ("cat", OneHotEncoder(), ["colour"])], remainder="drop")
    return Pipeline([("prepare", columns), ("model", LogisticRegression(C=0.5, max_iter=200))])


def frame(rows=40, seed=0):
    rng = np.random.default_rng(seed)
    data = pd.DataFrame({"a": rng.normal(size=rows), "b": rng.normal(size=rows), "colour": rng.choice(["red", "blue"], size=rows)})
    return data, (data["a"] > 0).astype(int)


def test_the_dag_of_a_nested_pipeline_shows_every_branch_and_join():
    graph = transform_graph(nested_pipeline())
    ids = {node["id"]: node for node in graph["nodes"]}
    edges = {(edge["from"], edge["to"]) for edge in graph["edges"]}
    assert edges == {
        ("input", "pipeline/prepare/num/scale"),
        ("pipeline/prepare/num/scale", "pipeline/prepare/num/features/pca"),
        ("pipeline/prepare/num/scale", "pipeline/prepare/num/features/identity"),
        ("pipeline/prepare/num/features/pca", "pipeline/prepare/num/features"),
        ("pipeline/prepare/num/features/identity", "pipeline/prepare/num/features"),
        ("input", "pipeline/prepare/cat"),
        ("pipeline/prepare/num/features", "pipeline/prepare"),
        ("pipeline/prepare/cat", "pipeline/prepare"),
        ("pipeline/prepare", "pipeline/model"),
    }
    assert ids["pipeline/prepare"]["step"] == "sklearn.compose.ColumnTransformer"
    assert ids["pipeline/prepare/num/features"]["step"] == "sklearn.pipeline.FeatureUnion"
    assert ids["pipeline/prepare/cat"]["params"]["columns"] == ["colour"]
    assert ids["pipeline/prepare/num/features/pca"]["params"]["n_components"] == 1
    assert ids["pipeline/model"]["params"]["C"] == 0.5
    assert ids["pipeline/prepare/num/features/identity"]["step"] == "passthrough"


def test_model_fields_come_from_get_params_and_are_plain_json():
    fields, transform = describe_estimator(nested_pipeline())
    assert fields["algorithm"] == "sklearn.linear_model.LogisticRegression"
    assert fields["hyperParameters"]["model__C"] == 0.5
    assert fields["hyperParameters"]["prepare__num__features__pca__n_components"] == 1
    assert fields["hyperParameters"]["model"] == "sklearn.linear_model.LogisticRegression"
    json.dumps(fields, allow_nan=False)
    assert transform["kind"] == "transform" and transform["step"] == "sklearn.pipeline.Pipeline"
    assert transform["params"]["steps"] == [["prepare", "sklearn.compose.ColumnTransformer"], ["model", "sklearn.linear_model.LogisticRegression"]]
    assert describe_estimator(Ridge())[1] is None, "a single estimator has no steps"


def test_data_is_described_never_stored():
    data, target = frame()
    described = describe_data(data, target)
    assert described["rows"] == 40 and described["shape"] == [40, 3]
    assert described["columns"] == [
        {"name": "a", "type": "float64"},
        {"name": "b", "type": "float64"},
        {"name": "colour", "type": str(data["colour"].dtype)},
        {"name": "a", "type": "int64"},
    ]
    assert set(described["stats"]) == {"a", "b"}
    assert describe_data(data.copy(), target)["contentHash"] == described["contentHash"]
    changed = data.copy()
    changed.loc[0, "a"] += 1
    assert describe_data(changed, target)["contentHash"] != described["contentHash"]
    array = np.arange(12, dtype=np.float32).reshape(4, 3)
    numeric = describe_data(array)
    assert numeric["shape"] == [4, 3] and numeric["columns"][0] == {"name": "x0", "type": "float32"}
    assert numeric["contentHash"] != describe_data(array.astype(np.float64))["contentHash"], "the dtype is part of the content"


def test_track_records_the_model_its_transform_and_its_data_with_the_engines_ids(project):
    data, target = frame()
    model = nested_pipeline().fit(data, target)
    train = labbook.track_dataset(data, target, name="colours-train", version="1")
    ref = labbook.track(model=model, trained_on=train)
    entities = {e["uid"]: e for e in labbook_json(project, "entities")}
    assert {e["kind"] for e in entities.values()} == {"dataset", "transform", "model"}
    stored = entities[ref.uid]["entity"]
    assert stored["trainedOn"] == train.uid
    assert entities[stored["transform"]]["entity"]["graph"]["nodes"][0] == {"id": "input", "step": "input", "params": {}}
    lineage = labbook_json(project, "lineage", ref.uid[:10])
    assert {(e["edge"], e["to"]) for e in lineage["edges"]} == {("trained_on", train.uid), ("derived_from", stored["transform"])}


def test_a_changed_dataset_under_the_same_version_is_refused(project):
    data, target = frame()
    labbook.track_dataset(data, target, name="colours", version="1")
    with pytest.raises(labbook.CliError) as refused:
        labbook.track_dataset(data.head(10), target.head(10), name="colours", version="1")
    assert refused.value.code == "LB_ENTITY_IMMUTABLE"
    assert len(labbook_json(project, "entities", "kind=dataset")) == 1


def test_track_sklearn_records_fit_predict_and_score_by_itself(project):
    labbook.track_sklearn(task="colours")
    data, target = frame(60)
    train_x, test_x, train_y, test_y = data[:40], data[40:], target[:40], target[40:]
    labbook.track_dataset(test_x, test_y, name="colours-test", version="1")
    model = nested_pipeline().fit(train_x, train_y)
    model.predict(test_x)
    accuracy = model.score(test_x, test_y)
    kinds = [e["kind"] for e in labbook_json(project, "entities")]
    assert sorted(kinds) == sorted(["dataset", "dataset", "dataset", "transform", "model", "prediction", "prediction", "evaluation"]), kinds
    [evaluation] = labbook_json(project, "entities", "kind=evaluation")
    assert evaluation["entity"]["value"] == pytest.approx(accuracy)
    assert evaluation["entity"]["metric"] == {"name": "accuracy", "definition": "sklearn.metrics.accuracy_score", "higherIsBetter": True}
    assert evaluation["entity"]["task"] == "colours"
    tree = labbook_json(project, "lineage", evaluation["uid"][:12])
    names = {node["name"] for node in tree["nodes"]}
    assert "colours-test" in names and "LogisticRegression" in names
    assert {edge["edge"] for edge in tree["edges"]} >= {"evaluated_on", "predicted_by", "trained_on", "derived_from"}


def test_a_torch_module_gives_its_layout(project):
    torch = pytest.importorskip("torch", reason="torch is not installed: the PyTorch extraction is not tested here")
    net = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
    data = np.zeros((3, 4), dtype=np.float32)
    ref = labbook.track(model=net, trained_on=data)
    [model] = [e for e in labbook_json(project, "entities", "kind=model") if e["uid"] == ref.uid]
    assert model["entity"]["hyperParameters"]["parameters"] == 4 * 8 + 8 + 8 * 2 + 2
    assert [layer["type"] for layer in model["entity"]["layout"]["layers"]] == ["Linear", "ReLU", "Linear"]


def test_cross_validation_folds_derive_from_their_parent_and_rank_as_one_result(project):
    from sklearn.model_selection import KFold

    data, target = frame(30)
    parent = labbook.track_dataset(data, target, name="colours", version="1")
    for C in (0.1, 1.0):
        model = labbook.track(model=LogisticRegression(C=C), trained_on=parent, name=f"logreg-{C}")
        for index, (_, test_rows) in enumerate(KFold(n_splits=3).split(data)):
            fold = labbook.track_dataset(
                data.iloc[test_rows],
                target.iloc[test_rows],
                name="colours-fold",
                version=f"cv3-{index}",
                derived_from=[parent],
                fold={"set": "cv3", "index": index, "count": 3, "part": "test"},
            )
            labbook.track_evaluation(model, fold, "accuracy", 0.5 + C / 10 + index / 100, definition="sklearn.metrics.accuracy_score", task="colours")
    board = labbook_json(project, "leaderboard", "--task", "colours", "--metric", "accuracy")
    assert board["on"] == "3 folds of 'cv3'"
    assert [(entry["model"]["name"], len(entry["evaluations"]), round(entry["value"], 6)) for entry in board["ranked"]] == [
        ("logreg-1.0", 3, 0.61),
        ("logreg-0.1", 3, 0.52),
    ]
    folds = labbook_json(project, "entities", "kind=dataset", "upstream=dataset:colours@1", "via=derived_from")
    assert sorted(entity["version"] for entity in folds) == ["cv3-0", "cv3-1", "cv3-2"]
