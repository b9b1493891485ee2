"""Which labbook command the client runs: $LABBOOK_CLI, else the CLI of the checkout the
package was installed from (a plain `pip install ./clients/python`, not only an editable
one), else `labbook` on PATH; without any, an error that names the real install command."""

import os
import shutil
import subprocess
import sys
import textwrap

import pytest

from helpers import LABBOOK_BIN, REPO_ROOT

DRIVE = textwrap.dedent(
    """
    import labbook

    def square(ctx, config):
        return config.x ** 2

    print([r.value for r in labbook.run(square, {"parameters": {"x": [1, 2, 3]}}, workers=1)])
    """
)

# No labbook on it, and no Python with the client either; the CLI finds its Node itself.
BARE_PATH = "/usr/bin:/bin"


def python_without_site(code, cwd, package_dir, **env):
    """`code` in this interpreter without its site-packages (where the editable install of
    the tests lives): only the copy of the client in `package_dir` is importable."""
    # XDG_RUNTIME_DIR: where the engines it starts put their sockets, for the fixture that stops them (conftest.py).
    full_env = {"PATH": BARE_PATH, "HOME": str(cwd), "PYTHONPATH": str(package_dir), "XDG_RUNTIME_DIR": os.environ["XDG_RUNTIME_DIR"], **env}
    return subprocess.run([sys.executable, "-S", "-c", code], cwd=cwd, env=full_env, capture_output=True, text=True)


@pytest.fixture(scope="module")
def pip_installed(tmp_path_factory):
    """The client as `pip install ./clients/python` installs it (a wheel built from the
    checkout, not a link to it), into a directory of its own."""
    target = tmp_path_factory.mktemp("site")
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    # Offline: setuptools and wheel come from the test venv (requirements-dev.txt).
    subprocess.run([*pip, "--no-build-isolation", "--no-index", "--no-deps", "--target", str(target), "./clients/python"], cwd=REPO_ROOT, check=True)
    return target


def test_a_pip_installed_client_runs_the_cli_of_the_checkout_it_was_installed_from(pip_installed, tmp_path):
    assert shutil.which("labbook", path=BARE_PATH) is None
    done = python_without_site(DRIVE, tmp_path, pip_installed)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[1, 4, 9]"


def test_pip_install_leaves_nothing_git_would_list(pip_installed):
    if not (REPO_ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    built = ["clients/python/build", "clients/python/src/labbook.egg-info"]
    untracked = subprocess.run(["git", "ls-files", "--others", "--exclude-standard", "--", *built], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    assert untracked.stdout == ""


def test_labbook_cli_comes_first(pip_installed, tmp_path):
    marker = tmp_path / "fake-labbook"
    marker.write_text("#!/bin/sh\necho fake\n")
    marker.chmod(0o755)
    code = "from labbook._cli import cli_command; print(cli_command())"
    done = python_without_site(code, tmp_path, pip_installed, LABBOOK_CLI=f"{marker} --verbose")
    assert done.stdout.strip() == str([str(marker), "--verbose"])


def test_a_labbook_cli_that_is_no_command_is_refused_with_what_to_do(pip_installed, tmp_path):
    code = "import labbook; labbook.run(print, {'parameters': {'x': [1]}})"
    done = python_without_site(code, tmp_path, pip_installed, LABBOOK_CLI="/nowhere/bin/labbook")
    assert done.returncode == 1
    assert "CliNotFoundError" in done.stderr
    assert "LABBOOK_CLI is '/nowhere/bin/labbook', which is not a command here: run `make install` in a labbook checkout" in done.stderr


def test_without_a_checkout_or_labbook_on_path_the_error_names_make_install(tmp_path):
    # The sources alone, away from any checkout, as a copied package would be.
    copy = tmp_path / "site"
    shutil.copytree(REPO_ROOT / "clients" / "python" / "src" / "labbook", copy / "labbook")
    done = python_without_site("from labbook._cli import cli_command; cli_command()", tmp_path, copy)
    assert "cannot find the labbook command: run `make install` in a labbook checkout (it puts labbook on PATH)" in done.stderr
    assert "npm install" not in done.stderr


def test_labbook_on_path_is_found_when_the_package_comes_from_no_checkout(tmp_path):
    copy = tmp_path / "site"
    shutil.copytree(REPO_ROOT / "clients" / "python" / "src" / "labbook", copy / "labbook")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    os.symlink(LABBOOK_BIN, bin_dir / "labbook")
    done = python_without_site("from labbook._cli import cli_command; print(cli_command())", tmp_path, copy, PATH=f"{bin_dir}:{BARE_PATH}")
    assert done.stdout.strip() == str([str(bin_dir / "labbook")])
