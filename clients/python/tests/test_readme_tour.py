"""The README's tour, typed as written after its install: each `$ command` of the tour runs in
a shell with `labbook` on PATH as `make install` puts it (into a prefix of the test's own) and
a Python that has this client (the test venv's, as `pip install ./clients/python` in a venv
gives it), and prints what the README shows. Times and durations may differ, and so may the
width of columns; a line `…` in the README stands for any number of lines."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
# Where the README's tour works; the test's own directory stands in for it.
TOUR_DIR = "/tmp/tour"
ANY_LINES = "…"

VOLATILE = [
    (re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ"), "<time>"),
    (re.compile(r"\b\d+(\.\d+)?m?s\b"), "<duration>"),
]
# What `labbook run` prints every 30 s when its stderr is no terminal: there only if it is slow.
PERIODIC_PROGRESS = re.compile(r"^\d{4}-\d\d-\d\dT[\d:.]+Z \d+/\d+ done")


def section(title):
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end != -1 else None]


def blocks(text, language=""):
    """The code blocks of `text` fenced with ```language."""
    return [body for lang, body in re.findall(r"^```(\w*)\n(.*?)^```$", text, re.S | re.M) if lang == language]


def transcript(block):
    """(command, expected output lines) for each `$ ` line of a console block."""
    steps = []
    for line in block.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        else:
            steps[-1][1].append(line)
    return steps


def normalized(lines):
    out = []
    for line in lines:
        for pattern, placeholder in VOLATILE:
            line = pattern.sub(placeholder, line)
        out.append(" ".join(line.split()))
    return out


def matches(expected, actual):
    """`actual` lines as `expected` lines, where ANY_LINES stands for any number of lines."""
    if not expected:
        return not actual
    if expected[0] == ANY_LINES:
        return any(matches(expected[1:], actual[i:]) for i in range(len(actual) + 1))
    return bool(actual) and expected[0] == actual[0] and matches(expected[1:], actual[1:])


def test_the_readme_installs_with_make_install_and_pip():
    commands = [line.split("#")[0].strip() for line in blocks(section("Install"))[0].splitlines()]
    assert commands == ["make install", "pip install ./clients/python"]


def test_the_tours_spec_is_the_one_in_examples_tour():
    assert blocks(section("A five-minute tour"), "yaml") == [(REPO_ROOT / "examples" / "tour" / "sweep.yaml").read_text(encoding="utf-8")]


@pytest.fixture
def installed(tmp_path):
    """PATH as the README's install leaves it: `make install` into a prefix of this test."""
    prefix = tmp_path / "prefix"
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    subprocess.run(["make", "--no-print-directory", "install", f"PREFIX={prefix}"], cwd=REPO_ROOT, env=env, check=True, capture_output=True)
    return f"{prefix / 'bin'}:{Path(sys.executable).parent}:{os.environ['PATH']}"


def test_the_tour_prints_what_the_readme_shows(installed, tmp_path):
    tour_dir = tmp_path / "tour"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LABBOOK_")}
    env.update(PATH=installed, HOME=str(tmp_path))
    cwd = REPO_ROOT  # where the README's commands begin: the checkout
    steps = [step for block in blocks(section("A five-minute tour")) for step in transcript(block)]
    assert len(steps) >= 15
    for command, shown in steps:
        command = command.replace(TOUR_DIR, str(tour_dir))
        where = tmp_path / "pwd"
        script = f'{command}\nstatus=$?\npwd > "{where}"\nexit $status\n'
        done = subprocess.run(["bash", "-c", script], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)
        cwd = Path(where.read_text().strip())
        printed = [line for line in done.stdout.splitlines() if not PERIODIC_PROGRESS.match(line)]
        expected = normalized(line.replace(TOUR_DIR, str(tour_dir)) for line in shown)
        if not matches(expected, normalized(printed)):
            pytest.fail(f"$ {command}\nthe README shows:\n" + "\n".join(shown) + "\nit printed:\n" + done.stdout, pytrace=False)
