"""Per-modality projections that keep missing rows at zero, and the baselines' two-layer classifier head."""

from __future__ import annotations

import torch
from torch import nn
from torch_geometric.data import Batch


class MaskedProjection(nn.Module):
    """One linear map per modality to ``out_dim``; rows of missing features come out as exact zeros."""

    def __init__(self, dims: dict[str, int], out_dim: int) -> None:
        super().__init__()
        self.maps = nn.ModuleDict({m: nn.Linear(d, out_dim) for m, d in dims.items()})

    def forward(self, batch: Batch) -> dict[str, torch.Tensor]:
        """``{modality: [N, out_dim]}``."""
        return {m: layer(batch[f"x_{m}"]) * batch[f"mask_{m}"].unsqueeze(-1) for m, layer in self.maps.items()}

    def concat(self, batch: Batch) -> torch.Tensor:
        """The projections side by side, ``[N, out_dim * modalities]`` (early fusion)."""
        return torch.cat(list(self(batch).values()), dim=-1)


def classifier_head(in_dim: int, hidden: int, num_classes: int, dropout: float) -> nn.Sequential:
    """Linear -> ReLU -> dropout -> linear: the two-layer classifier the baselines share."""
    return nn.Sequential(nn.Linear(in_dim, hidden), nn.ReLU(), nn.Dropout(dropout), nn.Linear(hidden, num_classes))
