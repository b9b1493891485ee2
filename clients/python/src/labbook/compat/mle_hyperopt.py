"""mle-hyperopt's ask/tell API on labbook: ``from labbook.compat.mle_hyperopt import
RandomSearch`` (or GridSearch, SMBOSearch) and a search written for mle-hyperopt 0.0.x runs
unchanged.

Each strategy is a study of the store (docs/studies.md): ``ask`` asks the study's sampler
(random, grid, or TPE for SMBOSearch) and every configuration is a trial, so a run of the
study's experiment; ``tell`` tells the trials their scores. ``ask(n, store=True)`` writes the
configurations as mle-hyperopt names them (``eval_<i>.yaml``); ``save`` writes the search log
(YAML or JSON, mle-hyperopt's format, each entry naming its study and run) and
``reload_path=`` resumes the study it names. A thin layer: the sampling is the engine's."""

from __future__ import annotations

import uuid
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from .._cli import Cli
from .._driver import ensure_store
from .._errors import UsageError
from .._study import Study, Trial, create_study
from ._mle_files import read_data, write_data

__all__ = ["RandomSearch", "GridSearch", "SMBOSearch"]

_PRIORS = {("real", "uniform"): "uniform", ("real", "log-uniform"): "loguniform", ("integer", "uniform"): "int", ("integer", "log-uniform"): "intlog"}


class _Strategy:
    """The common part of the strategies (mle-hyperopt's ``Strategy``)."""

    search_name = ""
    sampler = ""

    def __init__(
        self,
        real: Optional[Mapping[str, Any]] = None,
        integer: Optional[Mapping[str, Any]] = None,
        categorical: Optional[Mapping[str, Any]] = None,
        search_config: Optional[Mapping[str, Any]] = None,
        maximize_objective: bool = False,
        fixed_params: Optional[Mapping[str, Any]] = None,
        reload_path: Optional[str] = None,
        reload_list: Optional[Sequence[Mapping[str, Any]]] = None,
        seed_id: int = 42,
        verbose: bool = False,
        study_name: Optional[str] = None,
    ) -> None:
        self.real, self.integer, self.categorical = real, integer, categorical
        self.search_config = dict(search_config or {})
        self.maximize_objective = maximize_objective
        self.fixed_params = dict(fixed_params or {})
        self.seed_id = seed_id
        self.verbose = verbose
        self.eval_counter = 0
        self.log: List[Dict[str, Any]] = []
        self._asked: List[Tuple[Dict[str, Any], Trial]] = []
        reloaded = list(read_data(reload_path)) if reload_path is not None else []
        reloaded += list(reload_list or [])
        named = [entry["extra"]["study"] for entry in reloaded if isinstance(entry.get("extra"), Mapping) and "study" in entry["extra"]]
        self.study_name = study_name or (named[-1] if named else f"mle-{self.search_name.lower()}-{uuid.uuid4().hex[:8]}")
        self.study: Study = create_study(
            self.study_name,
            self._space(),
            sampler=self._sampler(),
            direction="maximize" if maximize_objective else "minimize",
            seed=seed_id,
            load_if_exists=True,
            store=ensure_store(Cli()),
        )
        for entry in reloaded:
            self._record(dict(entry["params"]), entry["objective"], entry.get("extra"))

    def _space(self) -> Dict[str, Any]:
        space: Dict[str, Any] = {}
        for kind, variables in (("real", self.real), ("integer", self.integer)):
            for name, spec in (variables or {}).items():
                space[name] = self._range(kind, name, spec)
        for name, values in (self.categorical or {}).items():
            space[name] = {"categorical": list(values) if isinstance(values, (list, tuple)) else [values]}
        if not space:
            raise UsageError(f"{type(self).__name__}: give at least one real, integer or categorical variable")
        return space

    def _range(self, kind: str, name: str, spec: Mapping[str, Any]) -> Dict[str, Any]:
        prior = spec.get("prior", "uniform")
        if (kind, prior) not in _PRIORS:
            raise UsageError(f"{kind}.{name}.prior: {prior!r} is not a prior mle-hyperopt knows; use 'uniform' or 'log-uniform'")
        return {_PRIORS[(kind, prior)]: [spec["begin"], spec["end"]]}

    def _sampler(self) -> Any:
        return self.sampler

    def ask(self, batch_size: int = 1, store: bool = False, config_fnames: Optional[List[str]] = None) -> Any:
        """`batch_size` configurations (one dict when 1), each a trial held until told; with
        `store`, also written to `config_fnames` (default ``eval_<n>.yaml``) and returned."""
        batch: List[Dict[str, Any]] = []
        for _ in range(batch_size):
            trial = self.study.ask()
            if trial is None:
                break  # a grid tried in full
            # JSON gives a real grid point such as 1.0 back as 1: keep real variables floats
            trial.params.update({name: float(trial.params[name]) for name in (self.real or {}) if name in trial.params})
            config = {**self.fixed_params, **trial.params}
            self._asked.append((config, trial))
            batch.append(config)
        if not store:
            return batch[0] if len(batch) == 1 else batch
        if config_fnames is None:
            config_fnames = [f"eval_{self.eval_counter + i}.yaml" for i in range(len(batch))]
        if len(config_fnames) != len(batch):
            raise UsageError(f"ask: {len(batch)} configurations but {len(config_fnames)} file names")
        for config, fname in zip(batch, config_fnames):
            write_data(config, fname)
        return (batch[0], config_fnames[0]) if len(batch) == 1 else (batch, config_fnames)

    def tell(
        self,
        batch_proposals: Union[Mapping[str, Any], Sequence[Mapping[str, Any]]],
        perf_measures: Union[float, Sequence[float]],
        ckpt_paths: Any = None,
        save: bool = False,
        save_path: str = "search_log.yaml",
        reload: bool = False,
    ) -> None:
        """Tells each asked configuration its score (its trial COMPLETE, its run COMPLETED)."""
        proposals = [batch_proposals] if isinstance(batch_proposals, Mapping) else list(batch_proposals)
        scores = [perf_measures] if isinstance(perf_measures, (int, float)) else list(perf_measures)
        if len(proposals) != len(scores):
            raise UsageError(f"tell: {len(proposals)} configurations but {len(scores)} scores")
        for config, score in zip(proposals, scores):
            trial = self._take_asked(dict(config))
            self.study.tell(trial, float(score))
            self._record(dict(trial.params), float(score), {"study": self.study_name, "run": trial.run})
        if save:
            self.save(save_path)

    def _take_asked(self, config: Dict[str, Any]) -> Trial:
        for index, (asked, trial) in enumerate(self._asked):
            if asked == config:
                del self._asked[index]
                return trial
        raise UsageError(f"tell: {config} was not asked by this strategy (or was told already)")

    def _record(self, params: Dict[str, Any], objective: Any, extra: Any) -> None:
        entry: Dict[str, Any] = {"eval_id": self.eval_counter, "params": params, "objective": objective}
        if extra is not None:
            entry["extra"] = extra
        self.log.append(entry)
        self.eval_counter += 1

    def save(self, save_path: str = "search_log.yaml") -> None:
        """Writes the search log (``.yaml`` or ``.json``) that ``reload_path=`` resumes from."""
        write_data(self.log, save_path)

    def get_best(self, top_k: int = 1) -> Tuple[Any, Any, Any, Any]:
        """(eval ids, configurations, scores, checkpoints) of the `top_k` best evaluations; a
        single one of each when `top_k` is 1, as mle-hyperopt returns them."""
        if not 1 <= top_k <= self.eval_counter:
            raise UsageError(f"get_best: top_k must be between 1 and the {self.eval_counter} evaluations told")
        ranked = sorted(self.log, key=lambda entry: entry["objective"], reverse=self.maximize_objective)[:top_k]
        ids = [entry["eval_id"] for entry in ranked]
        configs = [entry["params"] for entry in ranked]
        scores = [entry["objective"] for entry in ranked]
        if top_k == 1:
            return ids[0], configs[0], scores[0], None
        return ids, configs, scores, None

    def improvement(self, score: float) -> bool:
        """Whether `score` is at least as good as the best told so far."""
        best = self.get_best()[2]
        return score >= best if self.maximize_objective else score <= best


class RandomSearch(_Strategy):
    """Independent draws: real and integer variables with ``{"begin", "end", "prior"}``
    (``"uniform"`` or ``"log-uniform"``), categorical ones as lists."""

    search_name = "Random"
    sampler = "random"


class SMBOSearch(_Strategy):
    """Sequential model-based search: labbook's TPE stands for scikit-optimize's estimators;
    ``search_config["n_initial_points"]`` random trials come first (default 5)."""

    search_name = "SMBO"

    def _sampler(self) -> Any:
        return {"name": "tpe", "options": {"nStartupTrials": int(self.search_config.get("n_initial_points", 5))}}


class GridSearch(_Strategy):
    """Every combination once: real variables ``{"begin", "end", "bins"}`` (evenly spaced,
    numpy's linspace), integer ones the same cast to integers, categorical ones as lists."""

    search_name = "Grid"
    sampler = "grid"

    def _range(self, kind: str, name: str, spec: Mapping[str, Any]) -> Dict[str, Any]:
        begin, end, bins = float(spec["begin"]), float(spec["end"]), int(spec["bins"])
        # numpy's linspace, value for value: i * step + begin, the last one `end` itself
        step = (end - begin) / (bins - 1) if bins > 1 else 0.0
        points = [i * step + begin for i in range(bins - 1)] + [end] if bins > 1 else [begin]
        values = [float(p) for p in points] if kind == "real" else list(dict.fromkeys(int(p) for p in points))
        return {"categorical": values}
