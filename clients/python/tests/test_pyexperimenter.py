"""PyExperimenter's documented example on labbook (the notebook 'General Usage')."""

import shutil
import sqlite3
import subprocess
import textwrap

import pytest

from helpers import LABBOOK_BIN, labbook_json, query_store
from labbook import LabbookError, SpecError, StoreNotFoundError, UsageError
from labbook.compat.pyexperimenter import PyExperimenter

CONFIG = textwrap.dedent(
    """
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
            cross_validation_splits:
              type: INT
              values: [5]
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
            train_f1: DECIMAL
            train_accuracy: DECIMAL
            test_f1: DECIMAL
            test_accuracy: DECIMAL

      Custom:
        datapath: sample_data
    """
)


@pytest.fixture
def experimenter(project):
    (project / "config").mkdir()
    path = project / "config" / "example_general_usage.yml"
    path.write_text(CONFIG)
    return PyExperimenter(experiment_configuration_file_path=str(path), name="example_notebook")


# The same experiment in the INI format of PyExperimenter 1.3 and older.
INI_CONFIG = textwrap.dedent(
    """\
    [PY_EXPERIMENTER]
    provider = sqlite
    database = py_experimenter
    table = example_general_usage
    keyfields = dataset, cross_validation_splits:int, seed:int, kernel
    dataset = iris
    cross_validation_splits = 5
    seed = 2:7:2
    kernel = linear, poly, rbf, sigmoid
    n_jobs = 1

    [CUSTOM]
    datapath = sample_data
    """
)


def configuration_error(project, text):
    """What PyExperimenter raises for a configuration file holding `text` (None: no file)."""
    path = "config/experiment_configuration.cfg"  # as a script names it, in the project
    (project / "config").mkdir(exist_ok=True)
    if text is not None:
        (project / path).write_text(text)
    with pytest.raises(SpecError) as refused:
        PyExperimenter(experiment_configuration_file_path=path)
    return refused.value


def test_an_ini_configuration_is_refused_saying_which_format_labbook_reads(project):
    error = configuration_error(project, INI_CONFIG)
    assert error.code == "LB_SPEC_INVALID"
    assert str(error).startswith("config/experiment_configuration.cfg:1: this is the INI configuration of PyExperimenter 1.3 and older")
    assert "labbook reads PyExperimenter 1.4's YAML: PY_EXPERIMENTER:" in str(error)
    assert labbook_json(project, "status") == []


def test_a_configuration_without_py_experimenter_or_no_file_is_a_spec_error(project):
    assert str(configuration_error(project, "Database:\n  provider: sqlite\n")).startswith(
        "config/experiment_configuration.cfg: no PY_EXPERIMENTER mapping at the top"
    )
    (project / "config" / "experiment_configuration.cfg").unlink()
    missing = configuration_error(project, None)
    assert missing.code == "LB_SPEC_NOT_FOUND" and "no such experiment configuration file" in str(missing)


def test_filling_the_table_from_the_config_and_with_rows(experimenter, project):
    experimenter.fill_table_from_config()
    experimenter.fill_table_with_rows(rows=[{"dataset": "error_dataset", "cross_validation_splits": 3, "seed": 42, "kernel": "linear"}])
    table = experimenter.get_table()
    assert len(table) == 13
    assert sorted(set(table["seed"])) == [2, 4, 6, 42]
    assert set(table["status"]) == {"created"}
    assert list(table.columns[:5]) == ["ID", "dataset", "cross_validation_splits", "seed", "kernel"]
    assert {"test_f1", "error", "start_date", "end_date"} <= set(table.columns)


def test_filling_twice_adds_nothing(experimenter, project):
    experimenter.fill_table_from_config()
    experimenter.fill_table_from_config()
    assert len(labbook_json(project, "ls")) == 12


def test_custom_section_is_the_experiments_settings(experimenter):
    assert experimenter.custom_config == {"datapath": "sample_data"}
    assert experimenter.table_name == "example_general_usage"


def run_ml(parameters, result_processor, custom_config):
    import numpy as np
    from sklearn.datasets import load_iris
    from sklearn.model_selection import cross_validate
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC

    data = load_iris()
    model = make_pipeline(StandardScaler(), SVC(kernel=parameters["kernel"], gamma="auto"))
    result_processor.process_results({"pipeline": str(model)})
    if parameters["dataset"] != "iris":
        raise ValueError("Example error")
    scores = cross_validate(model, data.data, data.target, cv=parameters["cross_validation_splits"], scoring=("accuracy", "f1_micro"), return_train_score=True)
    result_processor.process_results({"train_f1": np.mean(scores["train_f1_micro"]), "train_accuracy": np.mean(scores["train_accuracy"])})
    result_processor.process_results({"test_f1": np.mean(scores["test_f1_micro"]), "test_accuracy": np.mean(scores["test_accuracy"])})


def test_the_documented_example_runs(experimenter):
    experimenter.fill_table_from_config()
    experimenter.fill_table_with_rows(rows=[{"dataset": "error_dataset", "cross_validation_splits": 3, "seed": 42, "kernel": "linear"}])
    experimenter.execute(run_ml, max_experiments=-1)
    table = experimenter.get_table()
    assert list(table["status"]).count("done") == 12 and list(table["status"]).count("error") == 1
    assert "ValueError: Example error" in table[table["status"] == "error"]["error"].iloc[0]
    experimenter.reset_experiments("error")
    assert list(experimenter.get_table()["status"]).count("created") == 1
    aggregated = experimenter.get_table().groupby(["dataset"]).mean(numeric_only=True)
    assert 0.5 < aggregated.loc["iris", "test_f1"] <= 1.0


def never_called(parameters, result_processor, custom_config):
    raise AssertionError("the engine refused: no experiment should run")


def written_by_a_newer_labbook(project):
    """Makes the store one this labbook refuses to open (a newer schema), as an upgrade elsewhere
    would (whose own engine replaces this version's)."""
    subprocess.run([str(LABBOOK_BIN), "engine", "stop"], cwd=project, check=True, capture_output=True)
    db = sqlite3.connect(project / ".labbook" / "labbook.db")
    with db:
        db.execute("INSERT INTO labbook_migrations (version, name, applied_at) VALUES (999, 'future', 0)")
    db.close()


def test_execute_raises_the_engines_refusal_and_changes_nothing(experimenter, project):
    experimenter.fill_table_from_config()
    written_by_a_newer_labbook(project)
    with pytest.raises(LabbookError) as refused:
        experimenter.execute(never_called, max_experiments=-1)
    assert refused.value.code == "LB_STORE_SCHEMA_NEWER" and refused.value.exit_status == 3
    assert "upgrade labbook" in str(refused.value)
    assert {state for (state,) in query_store(project, "SELECT state FROM runs")} == {"PENDING"}


def test_add_experiment_and_execute_raises_the_engines_refusal(experimenter, project):
    shutil.rmtree(project / ".labbook")
    with pytest.raises(StoreNotFoundError, match="no labbook store at"):
        experimenter.add_experiment_and_execute({"dataset": "iris", "cross_validation_splits": 5, "seed": 2, "kernel": "rbf"}, never_called)
    assert not (project / ".labbook").exists()


def test_execute_takes_n_jobs_over_the_configurations(experimenter):
    experimenter.fill_table_from_config()
    with pytest.raises(UsageError, match="n_jobs=0"):
        experimenter.execute(never_called, n_jobs=0)
    assert set(experimenter.get_table()["status"]) == {"created"}


def test_execute_of_no_experiments_runs_none(experimenter):
    experimenter.fill_table_from_config()
    experimenter.execute(never_called, max_experiments=0)
    assert set(experimenter.get_table()["status"]) == {"created"}
