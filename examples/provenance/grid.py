"""Provenance of a scikit-learn grid: every run fits a Pipeline (scaling, then a FeatureUnion
of PCA and univariate selection, then logistic regression) on the digits and scores it; with
``"provenance"`` in the matrix, labbook records the datasets, the pipelines, the models, their
predictions and evaluations by itself. One run is deliberately evaluated on another test
split: the leaderboard must list it as not comparable.

    python grid.py [--workers N]
    labbook leaderboard --task digits --metric accuracy
    labbook lineage 'model:…'   (or an evaluation's id, from labbook entities kind=evaluation)
"""

import argparse

from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.feature_selection import SelectKBest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import StandardScaler

import labbook


def split(seed):
    """The digits, split 70/30 with `seed`; the test set is recorded by name (split 0 and 1 differ)."""
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=seed, stratify=y)
    labbook.track_dataset(X_test, y_test, name="digits-test", version=f"split-{seed}")
    labbook.track_dataset(X_train, y_train, name="digits-train", version=f"split-{seed}")
    return X_train, X_test, y_train, y_test


def pipeline(components, C):
    features = FeatureUnion([("pca", PCA(n_components=components, random_state=0)), ("best", SelectKBest(k=components))])
    return Pipeline([("scale", StandardScaler()), ("features", features), ("model", LogisticRegression(C=C, max_iter=2000))])


def exp_func(ctx, config):
    X_train, X_test, y_train, y_test = split(config["test_split"])
    model = pipeline(config["components"], config["C"]).fit(X_train, y_train)  # recorded: model, transform, training data
    return {"accuracy": model.score(X_test, y_test)}  # recorded: prediction and evaluation on digits-test


config_matrix = {
    "parameters": {"components": [4, 8], "C": [0.01, 0.1], "test_split": [0]},
    "include": [{"components": 8, "C": 0.1, "test_split": 1}],
    "provenance": {"sklearn": True, "task": "digits"},
}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    results = labbook.run(exp_func, config_matrix, workers=args.workers, experiment="provenance-grid")
    for result in results:
        print(f"{result.config['components']:>2} components  C={result.config['C']:<5} split {result.config['test_split']}  accuracy {result.value['accuracy']:.3f}")
