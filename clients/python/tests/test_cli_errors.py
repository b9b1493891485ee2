"""An error the CLI reports comes back as the client's exception for its code (docs/errors.md)."""

import pytest

from labbook import CliError, SpecError, StoreNotFoundError, UsageError
from labbook._cli import Cli


def refusal(project, *args):
    with pytest.raises(CliError) as refused:
        Cli(cwd=project).run(list(args), json_output=True)
    return refused.value


def test_a_spec_file_the_cli_cannot_read_is_a_spec_error(project):
    (project / "sweep.yaml").symlink_to("loop.yaml")
    (project / "loop.yaml").symlink_to("sweep.yaml")
    error = refusal(project, "add", "sweep.yaml")
    assert type(error) is SpecError and error.code == "LB_SPEC_UNREADABLE" and error.exit_status == 2
    assert str(error).startswith("sweep.yaml: cannot read the spec file")


@pytest.mark.parametrize(
    ("args", "kind", "code"),
    [
        (["add", "missing.yaml"], SpecError, "LB_SPEC_NOT_FOUND"),
        (["ls", "--store", "nowhere"], StoreNotFoundError, "LB_STORE_NOT_FOUND"),
        (["worker", "-j", "0"], UsageError, "LB_USAGE"),
        (["show", "1"], CliError, "LB_RUN_NOT_FOUND"),
    ],
)
def test_the_cli_code_chooses_the_exception(project, args, kind, code):
    error = refusal(project, *args)
    assert (type(error), error.code) == (kind, code)
