"""What a model entity says of a model object: its algorithm, hyper-parameters and, for a
composite one, the Transform entity of its steps. Each library's extraction is imported only
when the model is one of its objects."""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

from ._identity import qualified_name

__all__ = ["describe_model"]


def describe_model(model: Any) -> Tuple[Dict[str, Any], Optional[Dict[str, Any]]]:
    """The model's fields (name, algorithm, algorithmVersion, hyperParameters, layout) and the
    transform entity of its step DAG, or None when it has no steps."""
    if hasattr(model, "get_params"):  # scikit-learn's estimator API (and the libraries that follow it)
        from ._extract_sklearn import describe_estimator

        return describe_estimator(model)
    if _is_torch_module(model):
        from ._extract_torch import describe_module

        return describe_module(model), None
    return {"name": type(model).__name__, "algorithm": qualified_name(type(model)), "hyperParameters": {}}, None


def _is_torch_module(model: Any) -> bool:
    """Whether it is a torch.nn.Module (a user's subclass lives in the user's module: look at its bases)."""
    return any(base.__module__.startswith("torch.nn") for base in type(model).__mro__)
