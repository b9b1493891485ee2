"""Hyper-parameter search from Python: a study kept in the store and shared through its engine
(docs/studies.md). The engine samples and prunes; this module asks, tells and reports over one
connection, which holds the trials it asked until they are told (a process that is killed gives
them back: the next ask of any process gets them)."""

from __future__ import annotations

import os
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

from ._engine_client import EngineClient, connect
from ._errors import UsageError

__all__ = ["Study", "Trial", "create_study", "load_study"]

Component = Union[str, Mapping[str, Any], None]


class Trial:
    """One trial of a study: its `number`, `params` (the active parameters), `state`
    (RUNNING, COMPLETE, PRUNED, FAILED), `values` once COMPLETE and `run` (the id of the run
    that records it)."""

    def __init__(self, study: "Study", data: Mapping[str, Any]) -> None:
        self._study = study
        self.number: int = data["number"]
        self.params: Dict[str, Any] = data["params"]
        self.state: str = data["state"]
        self.values: Optional[List[float]] = data.get("values")
        self.intermediate: List[Dict[str, float]] = list(data.get("intermediate", []))
        self.run: int = data["run"]
        self._prune = False

    def report(self, step: int, value: float) -> None:
        """Records an intermediate value (also logged as the run's metric of the first
        objective's name); the pruner judges the trial on it (see should_prune)."""
        self._prune = bool(self._study._request("reportTrial", {"study": self._study.name, "number": self.number, "step": int(step), "value": _number(value)}))
        self.intermediate.append({"step": int(step), "value": float(value)})

    def should_prune(self) -> bool:
        """Whether the study's pruner stopped the trial at its last report: then tell it
        ``state="PRUNED"`` and stop evaluating it."""
        return self._prune

    def __repr__(self) -> str:
        return f"Trial(number={self.number}, state={self.state!r}, params={self.params!r}, values={self.values!r})"


class Study:
    """A study of the store, opened by create_study or load_study; use it in a ``with`` block
    (or close it) so that the trials it holds untold are given back at once."""

    def __init__(self, engine: EngineClient, record: Mapping[str, Any]) -> None:
        self._engine = engine
        self.name: str = record["name"]
        self.experiment: str = record["experiment"]
        self.directions: List[str] = list(record["directions"])
        self.objectives: List[str] = list(record["objectives"])
        self.seed: int = record["seed"]

    def ask(self) -> Optional[Trial]:
        """The next trial (its parameters drawn by the sampler), held by this study until told;
        None when the space is exhausted (a grid tried in full)."""
        data = self._request("askTrial", {"study": self.name})
        return None if data is None else Trial(self, data)

    def tell(
        self,
        trial: Union[Trial, int],
        value: Optional[float] = None,
        *,
        values: Optional[Sequence[float]] = None,
        state: Optional[str] = None,
        error: Optional[str] = None,
    ) -> Trial:
        """Records how `trial` (a Trial or its number) ended: its `value` (or one of `values`
        per objective) for a COMPLETE trial, or ``state="PRUNED"`` or ``"FAILED"`` (with
        `error`). A trial is told once; a second tell raises LabbookError (LB_TRIAL_FINISHED)."""
        number = trial.number if isinstance(trial, Trial) else int(trial)
        params: Dict[str, Any] = {"study": self.name, "number": number}
        if state not in (None, "COMPLETE", "PRUNED", "FAILED"):
            raise UsageError(f"state must be COMPLETE, PRUNED or FAILED, got {state!r}")
        if state in (None, "COMPLETE"):
            if (value is None) == (values is None):
                raise UsageError("tell a COMPLETE trial its value (value=…) or its values (values=[…]), one of them")
            params["values"] = [_number(v) for v in ([value] if values is None else values)]
        else:
            params["state"] = state
            if error is not None:
                params["error"] = error
        told = Trial(self, self._request("tellTrial", params))
        if isinstance(trial, Trial):
            trial.state, trial.values = told.state, told.values
        return told

    def trials(self) -> List[Trial]:
        """Every trial so far, by number."""
        return [Trial(self, data) for data in self._request("getStudy", {"name": self.name})["trials"]]

    @property
    def best_trial(self) -> Optional[Trial]:
        """The COMPLETE trial with the best value (single objective); None before any."""
        if len(self.directions) != 1:
            raise UsageError(f"study '{self.name}' has {len(self.directions)} objectives: look at the Pareto front (labbook study {self.name})")
        complete = [t for t in self.trials() if t.state == "COMPLETE" and t.values and t.values[0] == t.values[0]]
        if not complete:
            return None
        sign = 1 if self.directions[0] == "minimize" else -1
        return min(complete, key=lambda t: (sign * t.values[0], t.number))  # type: ignore[index]

    def close(self) -> None:
        """Closes the connection; the trials asked and not told go back to the study."""
        self._engine.close()

    def __enter__(self) -> "Study":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _request(self, method: str, params: Mapping[str, Any]) -> Any:
        return self._engine.request(method, params)


def create_study(
    name: str,
    space: Mapping[str, Any],
    *,
    sampler: Component = "tpe",
    pruner: Component = None,
    direction: str = "minimize",
    directions: Optional[Sequence[str]] = None,
    objectives: Optional[Sequence[str]] = None,
    seed: Optional[int] = None,
    experiment: Optional[str] = None,
    load_if_exists: bool = False,
    store: Optional["os.PathLike[str]"] = None,
) -> Study:
    """Creates the study `name` over `space` (a ``search:`` block as a dict, docs/search.md),
    or opens it as it is with `load_if_exists`. `sampler` and `pruner`: a name (``"tpe"``,
    ``"random"``, ``"grid"``, ``"nsga2"``; ``"median"``, ``"asha"``, ``"successive-halving"``,
    ``"hyperband"``) or ``{"name": …, "options": {…}}``. `seed`: the same seed gives the same
    trials (default: drawn, and kept). Its trials are runs of `experiment` (default: `name`)."""
    params: Dict[str, Any] = {
        "name": name,
        "space": dict(space),
        "sampler": sampler,
        "directions": list(directions) if directions is not None else [direction],
        "loadIfExists": load_if_exists,
    }
    for key, value in (("pruner", pruner), ("objectives", objectives), ("seed", seed), ("experiment", experiment)):
        if value is not None:
            params[key] = list(value) if key == "objectives" else value
    engine = connect(store=store)
    try:
        return Study(engine, engine.request("createStudy", params))
    except BaseException:
        engine.close()
        raise


def load_study(name: str, store: Optional["os.PathLike[str]"] = None) -> Study:
    """Opens the study `name` of the store; raises LabbookError (LB_STUDY_NOT_FOUND) when there is none."""
    engine = connect(store=store)
    try:
        return Study(engine, engine.request("getStudy", {"name": name}))
    except BaseException:
        engine.close()
        raise


def _number(value: Any) -> Optional[float]:
    """A value as the protocol carries it: a non-finite one as null."""
    number = float(value)
    return number if number - number == 0 else None
