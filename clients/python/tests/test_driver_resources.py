"""A driver's runs are packed by their spec's resources like the CLI's: with gpus: 1 on 4
devices, each run gets a device of its own in CUDA_VISIBLE_DEVICES, never one another run holds."""

import ast
import textwrap

from helpers import run_python

SPEC = textwrap.dedent(
    """
    name: packed
    parameters:
      i: [0, 1, 2, 3, 4, 5, 6, 7]
    resources: {gpus: 1}
    """
)

SCRIPT = textwrap.dedent(
    """
    import os, time
    import labbook

    @labbook.experiment(spec="sweep.yaml", workers=8)
    def probe(ctx):
        devices = os.environ.get("CUDA_VISIBLE_DEVICES")
        held, clashes = [], []
        for device in (devices or "").split(","):
            try:
                os.close(os.open(os.path.join("locks", device), os.O_CREAT | os.O_EXCL | os.O_WRONLY))
                held.append(device)
            except FileExistsError:
                clashes.append(device)
        time.sleep(0.3)
        for device in held:
            os.remove(os.path.join("locks", device))
        return {"devices": devices, "clashes": clashes}

    if __name__ == "__main__":
        for r in probe():
            print(repr((r.state, r.value)))
    """
)


def test_driver_runs_with_gpus_1_on_4_devices_each_hold_one_of_their_own(project):
    (project / "sweep.yaml").write_text(SPEC)
    (project / "probe.py").write_text(SCRIPT)
    (project / "locks").mkdir()
    done = run_python(
        "import runpy; runpy.run_path('probe.py', run_name='__main__')", cwd=project, env={"CUDA_VISIBLE_DEVICES": "0,1,2,3"}
    )
    results = [ast.literal_eval(line) for line in done.stdout.splitlines()]
    assert len(results) == 8
    for state, value in results:
        assert state == "COMPLETED"
        assert value["devices"] in {"0", "1", "2", "3"}
        assert value["clashes"] == []
