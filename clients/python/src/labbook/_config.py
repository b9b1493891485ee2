"""Configurations with attribute access (``config.model``, ``cfg.optimizer.lr``), as Memento's
``Config`` and MLXP's ``ConfigDict`` offer them."""

from __future__ import annotations

from typing import Any, Dict, Iterator, Mapping, Optional

__all__ = ["Config"]


class Config(Mapping):
    """A read-only mapping whose keys are also attributes; nested mappings are Configs too.
    ``settings`` holds the experiment's settings (Memento: ``config.settings["n_fold"]``)."""

    def __init__(self, values: Mapping[str, Any], settings: Optional[Mapping[str, Any]] = None) -> None:
        object.__setattr__(self, "_values", dict(values))
        object.__setattr__(self, "settings", dict(settings or {}))

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "_values":
            raise AttributeError(name)
        try:
            return self[name]
        except KeyError:
            raise AttributeError(f"no parameter {name!r}; the parameters are {sorted(self._values)}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("a run's configuration is read-only")

    def __getitem__(self, key: str) -> Any:
        value = self._values[key]
        return Config(value) if isinstance(value, Mapping) and not isinstance(value, Config) else value

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Config):
            return self._values == other._values and self.settings == other.settings
        return isinstance(other, Mapping) and self._values == dict(other)

    def __hash__(self) -> int:  # mappings are unhashable; so is this one
        raise TypeError("unhashable type: 'Config'")

    def asdict(self) -> Dict[str, Any]:
        """The parameters as a plain dict (nested mappings as they were given)."""
        return dict(self._values)

    def __repr__(self) -> str:
        return repr(self._values)

    def __getstate__(self) -> Dict[str, Any]:
        return {"values": self._values, "settings": self.settings}

    def __setstate__(self, state: Dict[str, Any]) -> None:
        object.__setattr__(self, "_values", state["values"])
        object.__setattr__(self, "settings", state["settings"])
