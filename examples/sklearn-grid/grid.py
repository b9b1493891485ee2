"""The Memento paper's example, for real, on labbook: 3 datasets × {no imputer, SimpleImputer}
× {none, MinMaxScaler, StandardScaler} × {AdaBoost, RandomForest, SVC}, 5-fold CV, without
digits × SimpleImputer → 45 runs. Killed halfway and run again, it redoes only the runs that
had not completed (COMPLETED runs are the cache; a checkpointed run restores its scores).

    python grid.py [--workers N]
"""

import argparse

from sklearn.datasets import load_breast_cancer, load_digits, load_wine
from sklearn.ensemble import AdaBoostClassifier, RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler
from sklearn.svm import SVC

import labbook.compat.memento as memento


class DummyImputer:
    """No imputation (a pass-through step)."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return X


class DummyPreprocessor(DummyImputer):
    """No preprocessing."""


def exp_func(context: memento.Context, config: memento.Config):
    if context.checkpoint_exist():
        return context.restore()
    X, y = config.dataset(return_X_y=True)
    pipeline = make_pipeline(config.feature_engineering(), config.preprocessing(), config.model(random_state=0) if config.model is not SVC else SVC())
    scores = cross_val_score(pipeline, X, y, cv=config.settings["n_fold"]).tolist()
    context.checkpoint(scores)
    return scores


config_matrix = {
    "parameters": {
        "dataset": [load_digits, load_wine, load_breast_cancer],
        "feature_engineering": [DummyImputer, SimpleImputer],
        "preprocessing": [DummyPreprocessor, MinMaxScaler, StandardScaler],
        "model": [AdaBoostClassifier, RandomForestClassifier, SVC],
    },
    "settings": {"n_fold": 5},
    "exclude": [{"dataset": load_digits, "feature_engineering": SimpleImputer}],
}


def table(results):
    """Mean ± std accuracy per dataset × model (over folds, preprocessing and imputers)."""
    import statistics

    cells = {}
    for result in results:
        key = (result.config.dataset.__name__.replace("load_", ""), result.config.model.__name__)
        cells.setdefault(key, []).extend(result.inner)
    lines = [f"{'dataset':<15} {'model':<25} accuracy", "-" * 55]
    for (dataset, model), scores in sorted(cells.items()):
        lines.append(f"{dataset:<15} {model:<25} {statistics.mean(scores):.3f} ± {statistics.stdev(scores):.3f}")
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    # No notification provider: the engine's progress line says how it goes (a
    # ConsoleNotificationProvider would print a line per task).
    results = memento.Memento(exp_func, num_workers=args.workers).run(config_matrix)
    print(f"{len(results)} runs, {sum(r.was_cached for r in results)} from the cache")
    print(table(results))
