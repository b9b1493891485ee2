"""labbook.run through the real engine: runs in processes forked from the driver, results
read back, a broken run fails alone with its traceback, completed runs are the cache."""

import textwrap

from helpers import labbook_json, run_python

SCRIPT = textwrap.dedent(
    """
    import labbook

    def square(x):
        return x * x

    def cube(x):
        return x ** 3

    def exp_func(ctx, config):
        if config.x == 3 and config.f is cube:
            raise ValueError("three is broken")
        ctx.log_metrics({"value": config.f(config.x)}, step=0)
        return {"y": config.f(config.x) + config.settings["offset"]}

    events = []
    results = labbook.run(exp_func, {"parameters": {"f": [square, cube], "x": [1, 2, 3]}, "settings": {"offset": 10}},
                          workers=2, notify=events.append)
    for r in results:
        print(r.config["f"].__name__, r.config["x"], r.state, r.value, r.was_cached)
    print(sorted(events))
    """
)


def test_every_run_executes_once_and_a_failure_stays_alone(project):
    (project / "driver.py").write_text(SCRIPT)
    out = run_python("exec(open('driver.py').read())", cwd=project).stdout.splitlines()
    assert out[:6] == [
        "square 1 COMPLETED {'y': 11} False",
        "square 2 COMPLETED {'y': 14} False",
        "square 3 COMPLETED {'y': 19} False",
        "cube 1 COMPLETED {'y': 11} False",
        "cube 2 COMPLETED {'y': 18} False",
        "cube 3 FAILED None False",
    ]
    assert out[6] == str(sorted(["completed"] * 5 + ["failed", "all_completed"]))
    [failed] = [r for r in labbook_json(project, "ls") if r["state"] == "FAILED"]
    assert "ValueError: three is broken" in failed["error"]
    assert failed["params"]["x"] == 3 and failed["params"]["f"].endswith(".cube")


def test_a_second_drive_takes_completed_runs_from_the_cache(project):
    (project / "driver.py").write_text(SCRIPT)
    run_python("exec(open('driver.py').read())", cwd=project)
    out = run_python("exec(open('driver.py').read())", cwd=project).stdout.splitlines()
    assert out[0] == "square 1 COMPLETED {'y': 11} True"
    assert out[5].startswith("cube 3 FAILED")  # failed runs are tried again, and fail again


def test_a_mistake_in_the_config_matrix_raises_the_engines_message_by_key(project):
    code = textwrap.dedent(
        """
        import labbook
        try:
            labbook.run(lambda ctx, config: 1, {"parameters": {"x": [1, 2]}, "exclude": [{"y": 1}]}, experiment="grid")
        except labbook.SpecError as error:
            print(error)
        """
    )
    done = run_python(code, cwd=project)
    message = "grid: exclude[0].y: 'y' is not a parameter; did you mean 'x'? (exclude entries name parameters of the grid)"
    assert done.stdout.strip() == message
    assert "labbook-spec-" not in done.stderr, "no temporary file is named"
    assert labbook_json(project, "ls") == []


def test_a_number_of_workers_below_one_is_refused_before_anything_is_added(project):
    code = textwrap.dedent(
        """
        import labbook
        from labbook.compat.memento import Memento

        for workers in (0, -1, 1.5, True):
            try:
                labbook.run(lambda ctx, config: 1, {"parameters": {"x": [1]}}, workers=workers, experiment="w")
            except labbook.UsageError as error:
                print(error.code, error)
        for make in (lambda: labbook.experiment(workers=0), lambda: Memento(lambda ctx, config: 1, num_workers=0)):
            try:
                make()
            except labbook.UsageError as error:
                print(error)
        """
    )
    out = run_python(code, cwd=project).stdout.splitlines()
    assert [line.split(":")[0] for line in out] == [
        "LB_USAGE workers=0",
        "LB_USAGE workers=-1",
        "LB_USAGE workers=1.5",
        "LB_USAGE workers=True",
        "workers=0",
        "num_workers=0",
    ]
    assert "give a number of processes of at least 1, or None for one per CPU" in out[0]
    assert labbook_json(project, "ls") == []


REPORT_FIELDS = textwrap.dedent(
    """
    from labbook._driver import drive
    from labbook._runner import run_in_context
    from labbook._errors import LabbookError

    spec = {"name": "fields", "parameters": {"x": [1, 2]}}
    def handler(env):
        return run_in_context(env, lambda ctx: 1)
    runs, _ = drive(spec, handler, {"jobs": 1, "runFields": ["id", "state"]})
    print(sorted(sorted(run) for run in runs), sorted(run["state"] for run in runs))
    runs, _ = drive(spec, handler, {"jobs": 1})
    print(len(runs[0]))
    try:
        drive(spec, handler, {"jobs": 1, "runFields": ["id", "colour"]})
    except LabbookError as error:
        print(type(error).__name__, "colour" in str(error))
    """
)


def test_a_drive_asks_the_report_for_the_run_fields_it_reads(project):
    out = run_python(REPORT_FIELDS, cwd=project).stdout.splitlines()
    assert out[0] == "[['id', 'state'], ['id', 'state']] ['COMPLETED', 'COMPLETED']"
    assert out[1] == "23", "without runFields, whole run records"
    assert out[2].endswith(" True"), out[2]
