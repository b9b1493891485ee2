"""A driver describes its own interpreter for its runs' environment (importing _interpreter.py)
as the engine describes a Python command's (running that file in it, src/track/environment.ts):
same executable, version and package list."""

import json
import subprocess
import sys
import textwrap

from helpers import REPO_ROOT, run_python
from labbook._engine_client import connect

ENGINE_PROBE = textwrap.dedent(
    """
    const { EnvironmentCapture } = await import(process.argv[1]);
    const env = await new EnvironmentCapture().capture({ cwd: process.cwd(), argv: [process.argv[2], 'x.py'], params: {} });
    console.log(JSON.stringify(env.python));
    """
)


def test_the_driver_describes_its_interpreter_as_the_engine_probes_it(tmp_path):
    for name in ("Foo_Bar-1.2.3.dist-info", "old.pkg-0.9-py3.11.egg-info", "not_a_package-1.0"):
        (tmp_path / "site" / name).mkdir(parents=True)
    env = {"PYTHONPATH": str(tmp_path / "site")}
    module = (REPO_ROOT / "dist" / "src" / "track" / "environment.js").as_uri()
    probe = subprocess.run(
        ["node", "--input-type=module", "-e", ENGINE_PROBE, module, sys.executable],
        cwd=tmp_path, env={**env, "PATH": "/usr/bin:/bin"}, capture_output=True, text=True, check=True,
    )
    described = run_python("import json; from labbook._interpreter import interpreter_info; print(json.dumps(interpreter_info()))", cwd=tmp_path, env=env)
    engines, drivers = json.loads(probe.stdout), json.loads(described.stdout)
    assert drivers == engines
    assert {"foo-bar==1.2.3", "old-pkg==0.9"} <= set(drivers["packages"])


def test_a_driven_runs_environment_is_the_drivers_description(project):
    script = textwrap.dedent(
        """
        import labbook, labbook._engine
        labbook._engine.interpreter_info = lambda: {"executable": "/described/python", "version": "3.0.0", "packages": ["described==1"]}
        labbook.run(lambda ctx, config: config.x, {"parameters": {"x": [1]}}, workers=1, experiment="described")
        """
    )
    run_python(script, cwd=project)
    with connect() as engine:
        environment = engine.request("getRunDetail", {"id": 1})["environment"]
    assert environment["python"] == {"executable": "/described/python", "version": "3.0.0", "packages": ["described==1"]}
