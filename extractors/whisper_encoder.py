"""Whisper's audio encoder in torch, built from CTranslate2 weights, returning the states of every layer.

Radford et al., "Robust Speech Recognition via Large-Scale Weak Supervision", 2022, section 2.3 and Figure 1:
two convolutions over the 80-bin log-Mel frames (the second with stride 2: one state per 20 ms), GELU after
each, sinusoidal position encodings, then pre-norm Transformer blocks (self-attention, then a GELU MLP, each
with a residual) and a final layer norm. CTranslate2's encoder returns only the last layer; speech emotion is
carried best by the middle layers of speech encoders (Pasad et al., "Layer-wise analysis of a self-supervised
speech representation model", ASRU 2021), so this module returns every block's output (the last after the final
norm). Windows may be shorter than Whisper's 30 s; ``lengths`` masks the padding of shorter windows in a batch,
so a window's states do not depend on what it is batched with.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn import functional

from emoflow.extractors.ctranslate2_weights import WeightsFormatError, read_ctranslate2

MAX_STATES = 1500
"""Whisper's position encodings cover 30 s: 1,500 states of 20 ms."""


class WhisperEncoder(nn.Module):
    """``forward(mels [B, n_mels, frames], lengths [B] in frames) -> [layers] x [B, states, dim]``."""

    def __init__(self, weights: dict[str, np.ndarray]) -> None:
        super().__init__()
        if any(name.endswith("weight_scale") for name in weights):
            raise WeightsFormatError(
                "quantised (int8) Whisper weights are not supported: convert with `--quantization float16`"
            )
        for name, array in weights.items():
            if array.dtype.kind == "f":
                self.register_buffer(name.replace("/", "__"), torch.from_numpy(array.astype(np.float32)))
        self.heads = int(weights["encoder/num_heads"])
        self.layers = sum(1 for name in weights if name.endswith("self_attention/linear_0/weight"))
        self.n_mels = int(weights["encoder/conv1/weight"].shape[1])
        self.dim = int(weights["encoder/conv1/weight"].shape[0])

    @classmethod
    def from_file(cls, model_bin: Path) -> WhisperEncoder:
        """The encoder of a CTranslate2 Whisper ``model.bin``."""
        return cls(read_ctranslate2(model_bin, prefix="encoder/"))

    def weight(self, name: str) -> torch.Tensor:
        """The array CTranslate2 names ``encoder/<name>``."""
        tensor: torch.Tensor = getattr(self, "encoder__" + name.replace("/", "__"))
        return tensor

    def linear(self, x: torch.Tensor, name: str) -> torch.Tensor:
        """The affine layer ``name`` applied to ``x``."""
        return functional.linear(x, self.weight(f"{name}/weight"), self.weight(f"{name}/bias"))

    def norm(self, x: torch.Tensor, name: str) -> torch.Tensor:
        """The layer norm ``name`` applied to ``x``."""
        return functional.layer_norm(x, (self.dim,), self.weight(f"{name}/gamma"), self.weight(f"{name}/beta"))

    def forward(self, mels: torch.Tensor, lengths: torch.Tensor) -> list[torch.Tensor]:
        """Every block's states ``[B, states, dim]``; frames past a window's length are never attended to."""
        x = functional.gelu(functional.conv1d(mels, self.weight("conv1/weight"), self.weight("conv1/bias"), padding=1))
        x = functional.conv1d(x, self.weight("conv2/weight"), self.weight("conv2/bias"), stride=2, padding=1)
        x = functional.gelu(x).transpose(1, 2)
        if x.shape[1] > MAX_STATES:
            raise ValueError(f"a Whisper window holds at most 30 s ({2 * MAX_STATES} frames), got {mels.shape[-1]}")
        x = x + self.weight("position_encodings/encodings")[: x.shape[1]]
        states = torch.arange(x.shape[1], device=x.device)
        attend = (states[None, :] < (lengths[:, None] + 1) // 2)[:, None, None, :]  # keys of each window's own audio
        batch, steps = x.shape[:2]
        outputs = []
        for layer in range(self.layers):
            prefix = f"layer_{layer}"
            qkv = self.linear(self.norm(x, f"{prefix}/self_attention/layer_norm"), f"{prefix}/self_attention/linear_0")
            q, k, v = qkv.view(batch, steps, 3, self.heads, -1).permute(2, 0, 3, 1, 4)
            attended = functional.scaled_dot_product_attention(q, k, v, attn_mask=attend)
            x = x + self.linear(attended.transpose(1, 2).reshape(batch, steps, -1), f"{prefix}/self_attention/linear_1")
            hidden = functional.gelu(self.linear(self.norm(x, f"{prefix}/ffn/layer_norm"), f"{prefix}/ffn/linear_0"))
            x = x + self.linear(hidden, f"{prefix}/ffn/linear_1")
            outputs.append(x)
        outputs[-1] = self.norm(x, "layer_norm")
        return outputs
