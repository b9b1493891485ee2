"""A candidate model for a regression check, evaluated on the grid's test split 0 and tagged
``candidate-<which>``: `worse` (2 PCA components, heavy regularisation) or `better` (an RBF
SVM on scaled pixels).

    python candidate.py worse
    labbook regress --baseline 'task=digits' --candidate 'tag=candidate-worse' --metric accuracy   # exit 1
"""

import sys

from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

import labbook
from grid import split

CANDIDATES = {
    "worse": lambda: Pipeline([("scale", StandardScaler()), ("pca", PCA(n_components=2)), ("model", LogisticRegression(C=0.001))]),
    "better": lambda: Pipeline([("scale", StandardScaler()), ("model", SVC(C=10))]),
}

if __name__ == "__main__":
    which = sys.argv[1] if len(sys.argv) > 1 else ""
    if which not in CANDIDATES:
        sys.exit(f"usage: python candidate.py {'|'.join(CANDIDATES)}")
    X_train, X_test, y_train, y_test = split(0)
    model = CANDIDATES[which]().fit(X_train, y_train)
    train = labbook.track_dataset(X_train, y_train, name="digits-train", version="split-0")
    test = labbook.track_dataset(X_test, y_test, name="digits-test", version="split-0")
    ref = labbook.track(model=model, trained_on=train, name=f"candidate-{which}")
    evaluation = labbook.track_evaluation(
        model=ref, on=test, metric="accuracy", value=model.score(X_test, y_test), definition="sklearn.metrics.accuracy_score", task="digits"
    )
    labbook.provenance.annotate(evaluation, tags=[f"candidate-{which}"])
    print(f"candidate {which}: accuracy {model.score(X_test, y_test):.3f}, evaluation {evaluation.uid[:12]}")
