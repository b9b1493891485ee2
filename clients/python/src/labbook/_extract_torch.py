"""The layout of a PyTorch module: its layers, their types and parameter counts. Imported only
for a torch object, so torch is never loaded by labbook itself."""

from __future__ import annotations

from typing import Any, Dict, List

from ._identity import qualified_name

__all__ = ["describe_module"]


def describe_module(module: Any) -> Dict[str, Any]:
    layers: List[Dict[str, Any]] = []
    for name, layer in module.named_modules():
        if not name:
            continue
        own = sum(p.numel() for p in layer.parameters(recurse=False))
        layers.append({"name": name, "type": type(layer).__name__, "parameters": int(own), "repr": layer.extra_repr()})
    total = sum(p.numel() for p in module.parameters())
    trainable = sum(p.numel() for p in module.parameters() if p.requires_grad)
    return {
        "name": type(module).__name__,
        "algorithm": qualified_name(type(module)),
        "algorithmVersion": _torch_version(),
        "hyperParameters": {"parameters": int(total), "trainable": int(trainable)},
        "layout": {"layers": layers},
    }


def _torch_version() -> str:
    import torch

    return str(torch.__version__)
