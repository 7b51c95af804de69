"""A small Keras CNN saved as HDF5 (Keras 2 ``model_config`` + ``model_weights``), run in torch without TensorFlow.

The layer graph is read from the file's own config and rebuilt from the layer kinds a mini-Xception uses
(Arriaga et al., "Real-time Convolutional Neural Networks for Emotion and Gender Classification", 2017):
Conv2D, SeparableConv2D, BatchNormalization, Activation, MaxPooling2D, Add, GlobalAveragePooling2D. Keras'
``same`` padding puts the odd pixel after, not before, so it is padded explicitly. Any other layer kind, or a
weight left unread, is an error rather than a silently different network.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.nn import functional


def same_padding(size: int, kernel: int, stride: int) -> tuple[int, int]:
    """TensorFlow's ``same`` padding of one dimension: (before, after), the odd pixel after."""
    out = math.ceil(size / stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


class KerasLayer(nn.Module):
    """One Keras layer: its kind, its config and its torch parameters."""

    weight: torch.Tensor  # the buffers a kind registers (see ``keep`` below)
    depthwise: torch.Tensor
    pointwise: torch.Tensor
    bias: torch.Tensor | None
    gamma: torch.Tensor | None
    beta: torch.Tensor | None
    mean: torch.Tensor
    var: torch.Tensor

    def __init__(self, kind: str, config: dict[str, Any], weights: dict[str, np.ndarray]) -> None:
        super().__init__()
        self.kind, self.config = kind, config
        self.padding = config.get("padding", "valid")
        self.strides = tuple(config.get("strides", (1, 1)))
        self.kernel = tuple(config.get("kernel_size", config.get("pool_size", (1, 1))))
        activation = config.get("activation", "linear")
        if activation not in ("linear", "relu", "softmax"):
            raise ValueError(f"layer {config['name']}: activation {activation!r} is not supported")
        self.activation = activation

        def keep(name: str, key: str, order: tuple[int, ...] = (0,), wanted: bool = True) -> None:
            """Register the stored array ``key`` as buffer ``name``, its axes reordered for torch."""
            value = torch.from_numpy(np.ascontiguousarray(weights.pop(key).transpose(order))) if wanted else None
            self.register_buffer(name, value)

        if kind == "Conv2D":
            keep("weight", "kernel", (3, 2, 0, 1))  # (kh, kw, in, out) -> (out, in, kh, kw)
            keep("bias", "bias", wanted=bool(config.get("use_bias")))
        elif kind == "SeparableConv2D":
            if config.get("depth_multiplier", 1) != 1:
                raise ValueError(f"layer {config['name']}: depth_multiplier != 1 is not supported")
            keep("depthwise", "depthwise_kernel", (2, 3, 0, 1))  # (kh, kw, in, 1) -> (in, 1, kh, kw)
            keep("pointwise", "pointwise_kernel", (3, 2, 0, 1))
            keep("bias", "bias", wanted=bool(config.get("use_bias")))
        elif kind == "BatchNormalization":
            keep("gamma", "gamma", wanted=config.get("scale", True))
            keep("beta", "beta", wanted=config.get("center", True))
            keep("mean", "moving_mean")
            keep("var", "moving_variance")
        elif kind not in ("InputLayer", "Activation", "MaxPooling2D", "Add", "GlobalAveragePooling2D"):
            raise ValueError(f"layer {config['name']}: Keras layer kind {kind} is not supported")
        if weights:
            raise ValueError(f"layer {config['name']}: weights {sorted(weights)} were not read")

    def _pad(self, x: torch.Tensor, value: float = 0.0) -> torch.Tensor:
        if self.padding != "same":
            return x
        top, bottom = same_padding(x.shape[2], self.kernel[0], self.strides[0])
        left, right = same_padding(x.shape[3], self.kernel[1], self.strides[1])
        return functional.pad(x, (left, right, top, bottom), value=value)

    def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
        """The layer applied to its input (an ``Add`` takes several), its activation included."""
        x = inputs[0]
        if self.kind == "Conv2D":
            x = functional.conv2d(self._pad(x), self.weight, self.bias, self.strides)
        elif self.kind == "SeparableConv2D":
            x = functional.conv2d(self._pad(x), self.depthwise, None, self.strides, groups=x.shape[1])
            x = functional.conv2d(x, self.pointwise, self.bias)
        elif self.kind == "BatchNormalization":
            x = functional.batch_norm(x, self.mean, self.var, self.gamma, self.beta, False, 0.0, self.config["epsilon"])
        elif self.kind == "MaxPooling2D":
            x = functional.max_pool2d(self._pad(x, -math.inf), self.kernel, self.strides)
        elif self.kind == "Add":
            x = torch.stack(inputs).sum(0)
        elif self.kind == "GlobalAveragePooling2D":
            x = x.mean((2, 3))
        if self.activation == "relu":
            x = functional.relu(x)
        elif self.activation == "softmax":
            x = functional.softmax(x, dim=-1)
        return x


class KerasCNN(nn.Module):
    """The network of a Keras HDF5 file; ``forward(x, names)`` -> ``{layer name: output}``.

    ``x`` is ``[b, c, h, w]``: channels first, as torch (the file's input shape is channels last).
    """

    def __init__(self, path: Path | str) -> None:
        super().__init__()
        import h5py

        with h5py.File(path, "r") as handle:
            model = json.loads(handle.attrs["model_config"])
            stored = handle["model_weights"]
            layers = model["config"]["layers"]
            self.order: list[str] = []
            self.inputs: dict[str, list[str]] = {}
            self.layers = nn.ModuleDict()
            for layer in layers:
                name = layer["config"]["name"]
                weights: dict[str, np.ndarray] = {}
                if name in stored:
                    group = stored[name]
                    group.visititems(
                        lambda key, item, into=weights: (
                            into.__setitem__(key.rsplit("/", 1)[-1].split(":")[0], item[()])
                            if hasattr(item, "shape")
                            else None
                        )
                    )
                self.layers[name] = KerasLayer(layer["class_name"], layer["config"], weights)
                self.inputs[name] = [node[0] for node in layer["inbound_nodes"][0]] if layer["inbound_nodes"] else []
                self.order.append(name)
            shape = layers[0]["config"]["batch_input_shape"]
        self.input_size = (int(shape[1]), int(shape[2]))
        self.channels = int(shape[3])
        self.output_name = self.order[-1]

    def forward(self, x: torch.Tensor, outputs: tuple[str, ...] = ()) -> dict[str, torch.Tensor]:
        """The outputs of the layers named in ``outputs`` (the last layer's when none are named)."""
        values: dict[str, torch.Tensor] = {}
        for name in self.order:
            sources = [values[source] for source in self.inputs[name]] or [x]
            values[name] = self.layers[name](*sources)
        wanted = outputs or (self.output_name,)
        return {name: values[name] for name in wanted}
