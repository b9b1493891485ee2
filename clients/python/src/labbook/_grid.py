"""A grid given as Python objects (a Memento config matrix, a PyExperimenter table): the
labbook spec that stands for it, and the way back from a run's hash to its objects.

The grid itself is expanded by the engine (`labbook add`/`labbook run`); here the product
is only walked to know which objects each run hash stands for, and in which order."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Mapping, Tuple

from ._canonical import run_hash
from ._identity import IdentityError, identities, identity

__all__ = ["Grid", "describe"]


@dataclass
class Grid:
    """Parameters (name → values), settings, excludes and extra single runs (`include`),
    all as the user's objects."""

    name: str
    parameters: Dict[str, List[Any]]
    settings: Dict[str, Any] = field(default_factory=dict)
    exclude: List[Dict[str, Any]] = field(default_factory=list)
    include: List[Dict[str, Any]] = field(default_factory=list)
    extra: Dict[str, Any] = field(default_factory=dict)
    """Other spec keys (retries, timeout, …)."""

    @classmethod
    def from_matrix(cls, name: str, matrix: Mapping[str, Any]) -> "Grid":
        """From a Memento-style ``{"parameters": …, "settings": …, "exclude": […]}``."""
        if not isinstance(matrix, Mapping) or "parameters" not in matrix:
            raise ValueError('the config matrix must be a dict with a "parameters" key, e.g. {"parameters": {"lr": [0.1, 0.01]}}')
        unknown = set(matrix) - {"parameters", "settings", "exclude", "include"}
        if unknown:
            raise ValueError(f"unknown config matrix keys {sorted(unknown)}: use parameters, settings, exclude, include")
        parameters = {str(k): _values(v) for k, v in matrix["parameters"].items()}
        if "settings" in parameters:
            raise ValueError("'settings' is a reserved name and cannot be a parameter")
        return cls(
            name,
            parameters,
            dict(matrix.get("settings") or {}),
            [dict(e) for e in matrix.get("exclude") or []],
            [dict(e) for e in matrix.get("include") or []],
        )

    def spec(self, **extra: Any) -> Dict[str, Any]:
        """The labbook spec (JSON) of this grid; `extra` says what executes it (``driver``,
        ``command``) and adds other keys."""
        spec: Dict[str, Any] = {
            "name": self.name,
            "parameters": {k: identities(v, k) for k, v in self.parameters.items()},
            "settings": {k: describe(v) for k, v in self.settings.items()},
        }
        if self.exclude:
            spec["exclude"] = [identity(e) for e in self.exclude]
        if self.include:
            spec["include"] = [identity(e) for e in self.include]
        spec.update(self.extra)
        spec.update(extra)
        return spec

    def configs(self) -> Iterator[Dict[str, Any]]:
        """Every run of the grid as objects, in the engine's order (last parameter fastest),
        excludes left out, includes after."""
        return (config for _, config in self._hashed_configs())

    def by_hash(self) -> Dict[str, Dict[str, Any]]:
        """Run hash → the run's parameters as objects."""
        return dict(self._hashed_configs())

    def _hashed_configs(self) -> Iterator[Tuple[str, Dict[str, Any]]]:
        """configs(), each with its run hash."""
        keys = list(self.parameters)
        excluded = [identity(e) for e in self.exclude]
        seen = set()
        for combo in itertools.product(*self.parameters.values()):
            config = dict(zip(keys, combo))
            ident = identity(config)
            if not any(all(ident.get(k) == v for k, v in e.items()) for e in excluded):
                digest = run_hash(ident)
                seen.add(digest)
                yield digest, config
        for entry in self.include:
            for config in _completions(self.parameters, entry):
                digest = run_hash(identity(config))
                if digest not in seen:
                    seen.add(digest)
                    yield digest, config


def describe(value: Any) -> Any:
    """A setting as JSON: its identity when it has one, else a readable placeholder (settings
    are handed to runs as the objects themselves and are not part of any identity)."""
    try:
        return identity(value)
    except IdentityError:
        return f"<{type(value).__module__}.{type(value).__qualname__}>"


def _values(values: Any) -> List[Any]:
    if isinstance(values, (list, tuple, range)):
        return list(values)
    return [values]


def _completions(parameters: Dict[str, List[Any]], entry: Dict[str, Any]) -> Iterator[Dict[str, Any]]:
    """An include entry fixes its keys; the other parameters range over their values."""
    free = [k for k in parameters if k not in entry]
    for combo in itertools.product(*(parameters[k] for k in free)):
        chosen = dict(zip(free, combo))
        yield {k: entry[k] if k in entry else chosen[k] for k in parameters}
