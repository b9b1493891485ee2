"""The MLXP paper's listings 2, 7 and 10 run on labbook with only the import lines changed."""

import textwrap

from helpers import run_python

CONFIG = "seed: 0\nlr: 10.\nnum_epoch: 10\nmodel:\n num_units: 100\ndata:\n d_int: 10\n device: 'cpu'\n"

# Listing 2, with a body that logs (the listing's body is elided in the paper).
MAIN = textwrap.dedent(
    """
    import labbook.compat.mlxp as mlxp

    @mlxp.launch(config_path='./configs')
    def task_function(ctx: mlxp.Context)->None:
        config = ctx.config
        logger = ctx.logger
        for epoch in range(3):
            logger.log_metrics({'loss': config.lr / (epoch + 1 + config.seed), 'epoch': epoch}, log_name='train')
            logger.log_metrics({'loss': config.lr / (epoch + 2), 'epoch': epoch}, log_name='test')
        print("Hello World!")

    if __name__ == "__main__":
        task_function()
    """
)

# Listings 10 and 7.
READ = textwrap.dedent(
    """
    import labbook.compat.mlxp as mlxp
    from labbook.compat.mlxp import AvgStd

    reader = mlxp.Reader("./logs/")
    results = reader.filter(query_string="")

    # Averaging over seeds
    agg_maps = [AvgStd('test.loss')]
    group_keys = ['config.lr']
    agg_res = results.groupBy(group_keys).aggregate(agg_maps)
    print(len(results), [(row['config.lr'], [round(v, 3) for v in row['test.loss_avg']]) for row in agg_res])
    print(results[0]['train.epoch'])
    """
)


def test_launch_with_overrides_then_read_and_aggregate(tmp_path):
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs" / "config.yaml").write_text(CONFIG)
    (tmp_path / "main.py").write_text(MAIN)
    run_python("import runpy, sys; sys.argv = ['main.py', 'lr=10.,1.', 'seed=1,2']; runpy.run_path('main.py', run_name='__main__')", cwd=tmp_path)
    assert (tmp_path / "logs" / ".labbook" / "labbook.db").exists()
    out = run_python(READ, cwd=tmp_path).stdout.splitlines()
    # Parameters are JSON numbers: 10. and 10 are the same value (and the same run hash).
    assert out[0] == "4 [(1, [0.5, 0.333, 0.25]), (10, [5.0, 3.333, 2.5])]"
    assert out[1] == "[0.0, 1.0, 2.0]"
