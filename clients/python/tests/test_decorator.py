"""@labbook.experiment with Hydra-style overrides from the command line."""

import subprocess
import textwrap

from helpers import LABBOOK_BIN, labbook_json, run_python

SPEC = textwrap.dedent(
    """
    name: sgd
    parameters:
      lr: [0.1]
      seed: [0]
    settings:
      epochs: 3
    """
)

SCRIPT = textwrap.dedent(
    """
    import labbook

    @labbook.experiment(spec="sweep.yaml")
    def train(ctx):
        for epoch in range(ctx.settings["epochs"]):
            ctx.log_metrics({"loss": ctx.params["lr"] / (epoch + 1)}, step=epoch)
        return {"final": ctx.params["lr"] / ctx.settings["epochs"]}

    if __name__ == "__main__":
        for r in train():
            print(r.params, r.state, r.value)
    """
)


def test_overrides_from_argv_sweep_the_grid(project):
    (project / "sweep.yaml").write_text(SPEC)
    (project / "train.py").write_text(SCRIPT)
    done = run_python("import runpy, sys; sys.argv = ['train.py', 'lr=0.1,0.01', 'seed=1,2']; runpy.run_path('train.py', run_name='__main__')", cwd=project)
    assert len(done.stdout.splitlines()) == 4
    runs = labbook_json(project, "ls", "-e", "sgd")
    assert sorted((r["params"]["lr"], r["params"]["seed"]) for r in runs) == [(0.01, 1), (0.01, 2), (0.1, 1), (0.1, 2)]
    assert all(r["state"] == "COMPLETED" and r["result"]["final"] == r["params"]["lr"] / 3 for r in runs)


def test_a_mistaken_override_on_the_command_line_ends_the_script_as_a_cli_would(project):
    (project / "sweep.yaml").write_text(SPEC)
    (project / "train.py").write_text(SCRIPT)
    done = run_python(
        "import runpy, sys; sys.argv = ['train.py', 'lrr=0.1']; runpy.run_path('train.py', run_name='__main__')", cwd=project, check=False
    )
    assert done.returncode == 2
    assert "'lrr' is not a parameter or setting; did you mean 'lr'?" in done.stderr
    assert "Traceback" not in done.stderr
    assert labbook_json(project, "ls") == []


def spec_error_of(project, argv, spec=SPEC):
    """What train(argv=…) raises as labbook.SpecError (code and message), the spec file being
    `spec` (None: there is none)."""
    if spec is not None:
        (project / "sweep.yaml").write_text(spec)
    (project / "train.py").write_text(SCRIPT)
    code = (
        "import labbook, runpy\n"
        "train = runpy.run_path('train.py')['train']\n"
        "try:\n"
        f"    train(argv={argv!r})\n"
        "except labbook.SpecError as error:\n"
        "    print(error.code, error)\n"
    )
    return run_python(code, cwd=project).stdout.strip()


def test_called_with_argv_a_mistake_is_raised_naming_the_spec_file(project):
    out = spec_error_of(project, ["seed=1,"])
    assert out.startswith("LB_OVERRIDE_INVALID sweep.yaml: override 'seed=1,': an empty value between commas")


MALFORMED = "name: sgd\nparameters:\n  lr: [0.1, 0.01\n"


def cli_error(project, spec="sweep.yaml"):
    """What `labbook add SPEC` says of the spec file: the engine reads it for the decorator, with the same words."""
    done = subprocess.run([str(LABBOOK_BIN), "add", spec], cwd=project, capture_output=True, text=True)
    assert done.returncode == 2 and done.stderr.startswith("labbook: ")
    return done.stderr[len("labbook: ") :].strip()


def test_a_malformed_spec_file_on_the_command_line_ends_the_script_as_a_cli_would(project):
    (project / "sweep.yaml").write_text(MALFORMED)
    (project / "train.py").write_text(SCRIPT)
    done = run_python("import runpy; runpy.run_path('train.py', run_name='__main__')", cwd=project, check=False)
    assert (done.returncode, done.stderr) == (2, f"labbook: {cli_error(project)}\n")
    assert done.stderr.startswith("labbook: sweep.yaml:4:1: invalid YAML: ")
    assert labbook_json(project, "ls") == []


def test_called_with_argv_a_malformed_or_missing_spec_file_raises_spec_error(project):
    assert spec_error_of(project, [], MALFORMED) == f"LB_SPEC_INVALID {cli_error(project)}"
    (project / "sweep.yaml").unlink()
    assert spec_error_of(project, [], None) == f"LB_SPEC_NOT_FOUND {cli_error(project)}"


def test_a_spec_file_that_cannot_be_read_raises_spec_error_saying_why(project):
    (project / "sweep.yaml").symlink_to("loop.yaml")
    (project / "loop.yaml").symlink_to("sweep.yaml")
    assert spec_error_of(project, [], None) == f"LB_SPEC_UNREADABLE {cli_error(project)}"
    assert "(too many symbolic links encountered)" in cli_error(project).lower()
