"""Reading runs back: labbook.Reader and MLXP's Reader over a real store, through its engine
(the runs recorded by hand)."""

import math
import subprocess
import textwrap

import pytest

import labbook
from helpers import LABBOOK_BIN, run_python
from labbook.compat.mlxp import AvgStd
from labbook.compat.mlxp import Reader as MlxpReader
from labbook.compat.mlxp import config_parameters, translate_query

RECORD = textwrap.dedent(
    """
    import sys, labbook
    lr, seed = float(sys.argv[1]), int(sys.argv[2])
    ctx = labbook.context(params={"optimizer": {"lr": lr}, "seed": seed}, experiment="sgd")
    for epoch in range(3):
        ctx.log_metrics({"train.loss": lr * (seed + 1) / (epoch + 1)}, step=epoch)
    ctx.set_result({"score": lr + seed})
    """
)


@pytest.fixture
def runs(project):
    (project / "record.py").write_text(RECORD)
    for lr in (1.0, 10.0):
        for seed in (0, 1):
            run_python(f"import sys; sys.argv = ['record.py', '{lr}', '{seed}']; exec(open('record.py').read())", cwd=project)
    return project


def test_records_have_params_metrics_and_result_fields(runs):
    table = labbook.Reader(runs).filter()
    assert len(table) == 4
    first = table.to_records()[0]
    assert first["optimizer.lr"] == 1.0 and first["seed"] == 0 and first["state"] == "COMPLETED"
    assert first["train.loss"] == pytest.approx(1 / 3) and first["score"] == 1.0


def test_group_and_aggregate(runs):
    rows = labbook.Reader(runs).filter().groupby(["optimizer.lr"]).aggregate({"score": ["mean", "std"]}).to_records()
    assert rows == [
        {"optimizer.lr": 1.0, "count": 2, "score_mean": 1.5, "score_std": pytest.approx(math.sqrt(0.5))},
        {"optimizer.lr": 10.0, "count": 2, "score_mean": 10.5, "score_std": pytest.approx(math.sqrt(0.5))},
    ]


def test_to_pandas(runs):
    frame = labbook.Reader(runs).filter().to_pandas()
    assert list(frame["seed"]) == [0, 1, 0, 1]


def test_mlxp_reader_loads_series_lazily_and_aggregates_them(runs):
    results = MlxpReader(runs).filter(query_string="")
    assert repr(dict.__getitem__(results[0], "train.loss")) == "METRIC"
    assert results[0]["train.loss"] == pytest.approx([1.0, 0.5, 1 / 3])
    assert results[0]["info.status"] == "COMPLETE"
    agg = results.groupBy(["config.optimizer.lr"]).aggregate([AvgStd("train.loss")])
    assert [row["config.optimizer.lr"] for row in agg] == [1.0, 10.0]
    assert agg[0]["train.loss_avg"] == pytest.approx([1.5, 0.75, 0.5])
    assert agg[0]["train.loss_std"] == pytest.approx([0.5, 0.25, 1 / 6])
    assert results.diff() == ["config.optimizer.lr", "config.seed"]


def test_mlxp_function_aggregation_maps_and_mlxp_1_0_reader_arguments(runs):
    def mean(values):
        return [sum(col) / len(col) for col in zip(*values)]

    agg = MlxpReader(src_dir=runs, dst_dir=None, refresh=True).filter().groupby(["config.seed"]).aggregate((mean, "train.loss"))
    assert agg[0]["fmean.train.loss"] == pytest.approx([5.5, 2.75, 11 / 6])


def test_mlxp_configs_are_single_valued_parameters():
    assert config_parameters({"seed": 0, "model": {"num_units": 100}, "layers": [64, 64]}) == {
        "seed": 0,
        "model": {"num_units": 100},
        "layers": [[64, 64]],
    }


def test_mlxp_queries_are_translated_to_labbook_queries():
    assert translate_query("info.status == 'COMPLETE' & config.model.num_units < 4") == "state == 'COMPLETED' & model.num_units < 4"


def test_a_query_is_answered_by_the_engine(runs):
    assert [r["seed"] for r in labbook.Reader(runs).filter("seed == 1")] == [1, 1]



def test_reads_the_runs_of_several_chunks_with_their_metrics(runs):
    """The engine streams runs in chunks (5,000 a chunk for the Reader) with their metric summaries."""
    (runs / "many.yaml").write_text("name: many\nparameters:\n  i: range(6000)\n")
    subprocess.run([str(LABBOOK_BIN), "add", "many.yaml"], cwd=runs, check=True, capture_output=True)
    table = labbook.Reader(runs).filter()
    assert len(table) == 6004
    assert [r["train.loss"] for r in table if r["experiment"] == "sgd"] == pytest.approx([1 / 3, 2 / 3, 10 / 3, 20 / 3])


def test_a_path_without_a_store_raises_store_not_found(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for where in ("/nonexistent", None):
        with pytest.raises(labbook.StoreNotFoundError, match="run 'labbook init'") as raised:
            labbook.Reader(where)
        assert raised.value.code == "LB_STORE_NOT_FOUND"
    with pytest.raises(labbook.StoreNotFoundError):
        MlxpReader("/nonexistent")
