"""Relational graph convolution with per-edge weights.

Schlichtkrull et al., ESWC 2018, Eq. 2, as DialogueGCN uses it (Ghosal et al., EMNLP 2019, §3.3.3):
``h_i = W_0 x_i + sum_e w_e W_{r_e} x_{j_e}`` over the edges ``j -> i``.

With ``num_bases`` the relation weights share a basis, ``W_r = sum_b a_rb V_b`` (Schlichtkrull et al., Eq. 3), which
keeps DialogueGCN's ``2 M^2`` speaker-pair relations affordable for many-speaker corpora. ``message_dropout`` is
DropMessage (Fang et al., AAAI 2023): elements of the per-edge message matrix are dropped while training.
"""

from __future__ import annotations

import math

import torch
from torch import nn


class RelationalConv(nn.Module):
    """Edge-weighted R-GCN layer.

    Args:
        in_dim: input node size.
        out_dim: output node size.
        num_relations: number of edge types.
        num_bases: share the relation weights through this many bases; ``None`` gives each relation its own.
        message_dropout: DropMessage rate on the ``[E, out_dim]`` messages (0: none).

    Shapes:
        x ``[N, in_dim]``, edge_index ``[2, E]`` (source, target), edge_type ``[E]``, edge_weight ``[E]`` ->
        ``[N, out_dim]``.
    """

    def __init__(
        self, in_dim: int, out_dim: int, num_relations: int, num_bases: int | None = None, message_dropout: float = 0.0
    ) -> None:
        super().__init__()
        self.drop_message = nn.Dropout(message_dropout)
        self.num_relations = num_relations
        self.num_bases = num_bases if num_bases is not None and num_bases < num_relations else None
        count = self.num_bases or num_relations
        self.weight = nn.Parameter(torch.empty(count, in_dim, out_dim))
        self.comp = nn.Parameter(torch.empty(num_relations, count)) if self.num_bases else None
        self.root = nn.Linear(in_dim, out_dim)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Glorot-style init of the relation weights, as PyG's RGCNConv."""
        bound = math.sqrt(6.0 / (self.weight.size(1) + self.weight.size(2)))
        nn.init.uniform_(self.weight, -bound, bound)
        if self.comp is not None:
            nn.init.xavier_uniform_(self.comp)
        self.root.reset_parameters()

    def forward(
        self, x: torch.Tensor, edge_index: torch.Tensor, edge_type: torch.Tensor, edge_weight: torch.Tensor
    ) -> torch.Tensor:
        """Root term plus the weighted sum of relation-transformed neighbours."""
        source, target = edge_index
        transformed = torch.einsum("nd,kdo->nko", x, self.weight)  # each node under each relation (or basis)
        if self.comp is None:
            messages = transformed[source, edge_type]
        else:
            messages = torch.einsum("ek,eko->eo", self.comp[edge_type], transformed[source])
        messages = self.drop_message(messages)
        out = torch.zeros(x.size(0), messages.size(-1), dtype=messages.dtype, device=x.device)
        out.index_add_(0, target, messages * edge_weight.unsqueeze(-1).to(messages.dtype))
        return self.root(x) + out
