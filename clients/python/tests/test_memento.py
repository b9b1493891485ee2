"""The Memento paper's listings run on labbook with only the import line changed."""

import textwrap

from helpers import labbook_json, run_python

# Names the paper leaves to the reader (its listing is a sketch): defined here, not changed there.
PREAMBLE = textwrap.dedent(
    """
    from sklearn.datasets import load_digits, load_wine, load_breast_cancer
    from sklearn.ensemble import AdaBoostClassifier as AdaBoost, RandomForestClassifier as RandomForest
    from sklearn.impute import SimpleImputer
    from sklearn.preprocessing import MinMaxScaler, StandardScaler
    from sklearn.svm import SVC
    from sklearn import pipeline, model_selection

    class DummyImputer:
        def fit(self, X, y=None): return self
        def transform(self, X): return X

    class DummyPreprocessor(DummyImputer):
        pass

    def make_pipeline(*steps):
        return pipeline.make_pipeline(*[s() if isinstance(s, type) else s for s in steps])

    def cross_val_scores(*args, **kwargs):
        return model_selection.cross_val_score(*args, **kwargs)
    """
)

# The paper's listings, verbatim but for the import line.
LISTINGS = textwrap.dedent(
    """
    import labbook.compat.memento as memento

    config_matrix = {
        "parameters": {
            "dataset": [load_digits, load_wine, load_breast_cancer],
            "feature_engineering": [DummyImputer, SimpleImputer],
            "preprocessing": [DummyPreprocessor, MinMaxScaler, StandardScaler],
            "model": [AdaBoost, RandomForest, SVC]
        },
        "settings": {"n_fold": 5},
        "exclude": [{"dataset": load_digits, "feature_engineering": SimpleImputer}]
    }

    def exp_func(context: memento.Context, config: memento.Config) -> any:
        if context.checkpoint_exist():
            result = context.restore()
        else:
            X, y = config.dataset(return_X_y=True)
            model = config.model()
            n_fold = config.settings["n_fold"]
            pipeline = make_pipeline(config.feature_engineering, config.preprocessing, model)
            result = cross_val_scores(pipeline, X, y, cv=n_fold)
            context.checkpoint(result)
        return result

    notif_provider = memento.ConsoleNotificationProvider()
    results = memento.Memento(exp_func, notif_provider).run(config_matrix)
    """
)


def test_the_papers_listing_runs_45_cross_validations(project):
    summary = "\nprint(len(results), len(results[0].inner), all(r.start_time and r.runtime is not None and not r.was_cached for r in results))\n"
    done = run_python(PREAMBLE + LISTINGS + summary, cwd=project)
    assert done.stdout.splitlines()[-1] == "45 5 True"
    assert done.stdout.count("Task completed") == 45 and "All tasks completed" in done.stdout
    runs = labbook_json(project, "ls")
    assert len(runs) == 45 and all(r["state"] == "COMPLETED" for r in runs)


# A cross-validation that returns what it was given: n_fold from the settings, k from the grid.
CHANGING_SETTING = textwrap.dedent(
    """
    import os
    import labbook.compat.memento as memento

    def exp_func(context, config):
        return config.settings["n_fold"] * 100 + config.k

    matrix = {"parameters": {"k": [1, 2]}, "settings": {"n_fold": int(os.environ["N_FOLD"])}}
    results = memento.Memento(exp_func).run(matrix)
    print([r.inner for r in results], [r.was_cached for r in results])
    """
)


def test_a_changed_setting_gives_new_results_and_the_old_value_its_cached_ones(project):
    def run(n_fold):
        return run_python(CHANGING_SETTING, cwd=project, env={"N_FOLD": str(n_fold)}).stdout.splitlines()[-1]

    assert run(5) == "[501, 502] [False, False]"
    assert run(10) == "[1001, 1002] [False, False]"
    assert run(5) == "[501, 502] [True, True]"
    runs = labbook_json(project, "ls")
    assert sorted(r["result"] for r in runs) == [501, 502, 1001, 1002]


def test_a_run_queued_with_other_settings_is_refused_not_run_with_these(project):
    (project / "queued.json").write_text(
        '{"name": "main.exp_func", "parameters": {"k": [1]}, "settings": {"n_fold": 5}, "driver": "python"}'
    )
    labbook_json(project, "add", "queued.json")
    done = run_python(CHANGING_SETTING, cwd=project, env={"N_FOLD": "10"})
    assert done.stdout.splitlines()[-1] == "[1001, 1002] [False, False]"
    assert "labbook: run 1 was planned with the settings {'n_fold': 5}, not those this script gives" in done.stderr
    [queued] = [r for r in labbook_json(project, "ls") if r["id"] == 1]
    assert (queued["state"], queued["result"]) == ("FAILED", None)
