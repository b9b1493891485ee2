"""The files the MLE-Infrastructure layers share: configurations and logs written as YAML or
JSON by extension (YAML as ``key: <JSON value>`` lines, which any YAML reader reads back), read
as the CLI reads specs (full YAML), and DotMap-style attribute access to what was read."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, Mapping

from .._cli import Cli
from .._driver import read_config
from .._errors import UsageError

__all__ = ["DotMap", "MetaLog", "experiment_name", "write_data", "read_data"]


class DotMap(dict):  # type: ignore[type-arg]
    """A dict whose keys are attributes too (``config.lrate``), nested ones included, as
    the dotmap package the MLE tools return."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, value in self.items():
            if isinstance(value, Mapping) and not isinstance(value, DotMap):
                self[key] = DotMap(value)

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        self[name] = value


class MetaLog(DotMap):
    """The logs of an experiment directory, by configuration (``log["eval_0"]``)."""

    @property
    def eval_ids(self) -> list:  # type: ignore[type-arg]
        return list(self)


def experiment_name(experiment_dir: "os.PathLike[str] | str") -> str:
    """The labbook experiment of an MLE experiment directory: its name, in the letters an
    experiment name allows."""
    base = os.path.basename(os.path.normpath(os.fspath(experiment_dir)))
    return re.sub(r"[^A-Za-z0-9._-]", "-", base).strip("-.") or "mle-experiment"


def write_data(data: Any, path: "os.PathLike[str] | str") -> None:
    """Writes `data` as JSON (``.json``) or YAML (``.yaml``, ``.yml``)."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix == ".json":
        text = json.dumps(data, indent=2) + "\n"
    elif suffix in (".yaml", ".yml"):
        text = _yaml(data)
    else:
        raise UsageError(f"{target}: only .yaml and .json files can be written (as mle-hyperopt writes them)")
    if target.parent != Path(""):
        target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)


def read_data(path: "os.PathLike[str] | str") -> Any:
    """The data of a JSON or YAML file (SpecError naming the file when it is not)."""
    target = Path(path)
    if target.suffix.lower() == ".json":
        return json.loads(target.read_text())
    return read_config(Cli(), target)


def _yaml(data: Any) -> str:
    """Block YAML for a mapping or a list of mappings (a config, a search log); values in
    JSON's flow form, which YAML reads as the same values."""
    if isinstance(data, Mapping):
        return "".join(f"{json.dumps(str(key))}: {json.dumps(value)}\n" for key, value in data.items())
    return "".join(f"- {json.dumps(item)}\n" for item in data)
