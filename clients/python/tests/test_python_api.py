"""docs/python-api.md is the reference of every public name: `labbook.__all__` and the
`__all__` of each compat layer. Each name has an entry (a `### ` heading) whose signature is
the code's, whose bullets list the members its class adds, and whose example runs as it is,
as a script in a project with a store."""

import dataclasses
import importlib
import inspect
import re
import subprocess
import sys

import pytest

from helpers import REPO_ROOT

DOC = REPO_ROOT / "docs" / "python-api.md"

# How the reference names each module's objects: as a script imports them.
PREFIXES = {
    "labbook": "labbook",
    "memento": "labbook.compat.memento",
    "mlxp": "labbook.compat.mlxp",
    "pyexperimenter": "labbook.compat.pyexperimenter",
    "mle_hyperopt": "labbook.compat.mle_hyperopt",
    "mle_scheduler": "labbook.compat.mle_scheduler",
    "mle_monitor": "labbook.compat.mle_monitor",
    "mle_logging": "labbook.compat.mle_logging",
}

HEADING = re.compile(r"^### `(?P<name>[\w.]+)(?P<signature>\(.*\))?`$", re.M)
MEMBER = re.compile(r"^- `(?P<name>\w+)(?P<signature>\(.*?\))?`", re.M)
EXAMPLE = re.compile(r"^```python\n(.*?)^```$", re.S | re.M)


def entries():
    """{qualified name: (signature or None, text of the entry)} of the reference."""
    text = DOC.read_text(encoding="utf-8")
    headings = list(HEADING.finditer(text))
    found = {}
    for heading, following in zip(headings, headings[1:] + [None]):
        end = following.start() if following else len(text)
        # An entry ends where the next entry or section begins.
        section = re.search(r"^## ", text[heading.end() : end], re.M)
        body = text[heading.end() : heading.end() + section.start() if section else end]
        found[heading["name"]] = (heading["signature"], body)
    return found


ENTRIES = entries()


def public_objects():
    """{qualified name as the reference writes it: object} of every public name."""
    objects = {}
    for prefix, module_name in PREFIXES.items():
        module = importlib.import_module(module_name)
        for name in module.__all__:
            objects[f"{prefix}.{name}"] = getattr(module, name)
    return objects


PUBLIC = public_objects()


def plain_signature(obj):
    """The signature as the reference writes it: without type hints."""
    signature = inspect.signature(obj)
    parameters = [p.replace(annotation=inspect.Parameter.empty) for p in signature.parameters.values()]
    return str(signature.replace(parameters=parameters, return_annotation=inspect.Signature.empty))


def canonical_name(obj):
    """The first public name of an object (memento.Config is labbook.Config)."""
    return next(name for name, value in PUBLIC.items() if value is obj)


def added_members(cls):
    """The public methods and properties a class adds to its bases, and a dataclass's fields."""
    members = {}
    for name, value in vars(cls).items():
        if name.startswith("_") or any(hasattr(base, name) for base in cls.__mro__[1:]):
            continue
        if inspect.isfunction(value):
            members[name] = plain_signature(value).replace("(self, ", "(").replace("(self)", "()")
        elif isinstance(value, property):
            members[name] = None
    if dataclasses.is_dataclass(cls):
        members.update({field.name: None for field in dataclasses.fields(cls)})
    return members


def test_every_public_name_has_an_entry_and_every_entry_a_public_name():
    assert sorted(set(PUBLIC) - set(ENTRIES)) == [], "public names without an entry in docs/python-api.md"
    assert sorted(set(ENTRIES) - set(PUBLIC)) == [], "entries in docs/python-api.md of names that are not public"


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_the_entry_gives_the_codes_signature_and_the_members_its_class_adds(name):
    obj = PUBLIC[name]
    signature, body = ENTRIES[name]
    if inspect.isfunction(obj):
        assert signature is not None, f"{name}: a function's heading gives its signature"
    if signature is not None:
        assert signature == plain_signature(obj)
    if inspect.isclass(obj) and canonical_name(obj) == name:  # an alias's entry points to it
        documented = {m["name"]: m["signature"] for m in MEMBER.finditer(body)}
        assert {k: documented.get(k, "missing") for k in added_members(obj)} == added_members(obj)


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_the_example_runs(name, project):
    examples = EXAMPLE.findall(ENTRIES[name][1])
    assert len(examples) == 1, f"{name}: one example per entry"
    (project / "example.py").write_text(examples[0], encoding="utf-8")
    done = subprocess.run([sys.executable, "example.py"], cwd=project, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{name}'s example failed:\n{done.stdout}{done.stderr}"

