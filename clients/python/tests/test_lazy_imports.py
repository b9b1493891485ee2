"""Every run of a Python command imports labbook: the run's path (``labbook.context()``
under a worker) must not load the drivers, the reader or the engine's client."""

import json

from helpers import run_python

LOADED = """
import json, sys
import labbook
labbook.context
print(json.dumps(sorted(m for m in sys.modules if m.startswith("labbook") or m in ("sqlite3", "dataclasses", "inspect", "subprocess"))))
"""


def test_a_run_under_a_worker_loads_only_what_its_context_needs(tmp_path):
    loaded = set(json.loads(run_python(LOADED, cwd=tmp_path).stdout))
    for heavy in ("labbook._driver", "labbook._decorator", "labbook._reader", "labbook._hand_run_backend", "labbook._engine_client", "sqlite3", "dataclasses", "inspect", "subprocess"):
        assert heavy not in loaded, f"{heavy} is imported by `import labbook; labbook.context`"
    assert {"labbook._open_context", "labbook._worker_backend"} <= loaded


def test_every_public_name_resolves_to_the_object_of_its_module(tmp_path):
    code = (
        "import labbook, labbook._driver, labbook._reader, labbook._errors\n"
        "for name in labbook.__all__: getattr(labbook, name)  # an AttributeError fails the test\n"
        "assert labbook.run is labbook._driver.run and labbook.Reader is labbook._reader.Reader\n"
        "assert labbook.CliError is labbook._errors.CliError\n"
        "import labbook.provenance; assert labbook.track is labbook.provenance.track\n"
        "import sys; assert 'sklearn' not in sys.modules, 'track_sklearn imports scikit-learn only when called'\n"
        "print(len(labbook.__all__))"
    )
    assert int(run_python(code, cwd=tmp_path).stdout) == 30
