"""What a run returns becomes its result: JSON as it is, any other value pickled into an
artifact and read back by the driver. A value that pickle cannot save and load back fails its
run when it returns, with a message: it never reaches the store as COMPLETED, so it cannot
break the drives that read it from the cache later."""

import textwrap

from helpers import labbook_json, run_python

SCRIPT = textwrap.dedent(
    """
    import labbook

    class NeedsTwo(Exception):
        # Pickles, but does not load back: pickle calls NeedsTwo(*self.args), with one argument.
        def __init__(self, a, b):
            super().__init__(f"{a} {b}")

    def give(ctx, config):
        return {"bytes": b"abc", "lambda": lambda: 1, "loads_badly": NeedsTwo(1, 2), "json": [1, "a"]}[config.kind]

    for r in labbook.run(give, {"parameters": {"kind": ["bytes", "lambda", "loads_badly", "json"]}}, workers=1, experiment="give"):
        print(r.config["kind"], r.state, repr(r.value))
    """
)


def test_values_are_read_back_and_one_that_cannot_be_fails_its_run(project):
    (project / "give.py").write_text(SCRIPT)
    for _ in range(2):  # the second drive reads the first one's results from the store
        out = run_python("exec(open('give.py').read())", cwd=project).stdout.splitlines()
        assert out == ["bytes COMPLETED b'abc'", "lambda FAILED None", "loads_badly FAILED None", "json COMPLETED [1, 'a']"]
    runs = {r["params"]["kind"]: r for r in labbook_json(project, "ls", "-e", "give")}
    assert "cannot be stored" in runs["lambda"]["error"] and "function" in runs["lambda"]["error"]
    assert "NeedsTwo" in runs["loads_badly"]["error"] and "missing 1 required positional argument" in runs["loads_badly"]["error"]
    assert "Traceback" not in runs["lambda"]["error"], "the message says what to do, not where in labbook it was found"


def test_a_result_that_does_not_load_back_is_named_with_the_way_out(project):
    # What a client without the check above stored for `return b"abc"`: the raw bytes.
    (project / "give.py").write_text(SCRIPT)
    run_python("exec(open('give.py').read())", cwd=project)
    [bytes_run] = [r for r in labbook_json(project, "ls", "-e", "give") if r["params"]["kind"] == "bytes"]
    (project / ".labbook" / "runs" / str(bytes_run["id"]) / "artifacts" / "result.pickle").write_bytes(b"abc")
    code = "import labbook\ntry:\n    exec(open('give.py').read())\nexcept labbook.LabbookError as error:\n    print(error)\n"
    out = run_python(code, cwd=project).stdout
    assert f"the result of run {bytes_run['id']}" in out and f"labbook reset {bytes_run['id']}" in out
