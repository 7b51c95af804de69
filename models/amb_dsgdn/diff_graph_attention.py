"""Differential graph attention and DiffRGCN (AMB-DSGDN, Wang et al., §4.5, Algorithm 1, Eqs. 9-18).

A head projects the nodes (Eq. 9), splits the projection into a positive and a negative branch, scores each edge
``j -> i`` per branch GAT-style with a relation embedding added (Eqs. 10-12), normalises each branch with a
softmax over ``i``'s incoming edges, and subtracts: ``alpha = alpha_pos - lambda_full * alpha_neg`` (Eq. 15), with
``lambda_full = exp(l1_left . l1_right) - exp(l2_left . l2_right) + lambda_init`` (Eqs. 13-14) and
``lambda_init = 0.8 - 0.6 exp(-0.3 depth)``. Values are both branches concatenated (Eq. 16), aggregated by
``alpha`` (Eq. 17). DiffRGCN concatenates several heads (Eq. 18), then dropout, an output attention layer, a fully
connected layer with a residual connection and layer normalisation (end of §4.5).

Works on edge lists (the windowed subgraphs of :mod:`models.layers.edges`), not dense ``L x L`` matrices.

Documented choices: the lambda vectors have the branch's width; hidden heads use ELU as in GAT; ``depth`` is the
block's place in a modality's stack (1 for the inter-speaker block, 2 for the intra-speaker one).
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch_geometric.utils import softmax


def lambda_init(depth: int) -> float:
    """Eq. 14: ``0.8 - 0.6 exp(-0.3 depth)``."""
    return 0.8 - 0.6 * math.exp(-0.3 * depth)


class DiffGraphAttention(nn.Module):
    """One differential graph attention head.

    Args:
        in_dim: input node size.
        out_dim: output node size (even: half per branch).
        num_relations: relation ids the edges carry.
        relation_dim: size of the relation embedding (``d_r``).
        depth: layer depth for ``lambda_init``.
        relation_aware: add the relation scores of Eq. 12.
        dropout: dropout on the attention weights.

    Shapes:
        x ``[N, in_dim]``, edge_index ``[2, E]``, edge_type ``[E]`` -> ``[N, out_dim]`` and alpha ``[E]``.
    """

    def __init__(
        self,
        in_dim: int,
        out_dim: int,
        num_relations: int,
        relation_dim: int,
        depth: int,
        relation_aware: bool = True,
        dropout: float = 0.0,
    ) -> None:
        super().__init__()
        if out_dim % 2:
            raise ValueError(f"a differential head splits its output in two branches; out_dim {out_dim} is odd")
        half = out_dim // 2
        self.project = nn.Linear(in_dim, out_dim, bias=False)  # Eq. 9
        self.query = nn.ModuleList(nn.Linear(half, 1, bias=False) for _ in range(2))  # a_left, Eq. 10
        self.key = nn.ModuleList(nn.Linear(half, 1, bias=False) for _ in range(2))  # a_right, Eq. 10
        self.relation_aware = relation_aware
        self.relation = nn.Embedding(num_relations, relation_dim)
        self.relation_score = nn.ModuleList(nn.Linear(relation_dim, 1, bias=False) for _ in range(2))  # Eq. 12
        self.lambdas = nn.Parameter(torch.empty(4, half))  # l1_left, l1_right, l2_left, l2_right (Eq. 13)
        self.lambda_init = lambda_init(depth)
        self.dropout = nn.Dropout(dropout)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Lambda vectors from N(0, 0.1) (variance, §4.5); Glorot for the projections."""
        nn.init.normal_(self.lambdas, mean=0.0, std=math.sqrt(0.1))
        nn.init.xavier_uniform_(self.project.weight)

    def lambda_full(self) -> torch.Tensor:
        """Eqs. 13-14."""
        l1_left, l1_right, l2_left, l2_right = self.lambdas
        return torch.exp((l1_left * l1_right).sum()) - torch.exp((l2_left * l2_right).sum()) + self.lambda_init

    def forward(
        self, x: torch.Tensor, edge_index: torch.Tensor, edge_type: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Aggregate each node's incoming edges with the differential attention ``alpha`` (Eqs. 12-17)."""
        source, target = edge_index
        wh = self.project(x)
        branches = wh.chunk(2, dim=-1)  # Wh_pos, Wh_neg; their concatenation is Wh_v (Eq. 16)
        alphas = []
        for b, branch in enumerate(branches):
            score = self.query[b](branch)[target] + self.key[b](branch)[source]  # Eq. 12
            if self.relation_aware:
                score = score + self.relation_score[b](self.relation(edge_type))
            score = nn.functional.leaky_relu(score.squeeze(-1), 0.2)
            alphas.append(softmax(score, target, num_nodes=x.size(0)))
        alpha = alphas[0] - self.lambda_full() * alphas[1]  # Eq. 15
        messages = self.dropout(alpha).unsqueeze(-1) * wh[source]
        out = torch.zeros_like(wh).index_add_(0, target, messages.to(wh.dtype))  # Eq. 17
        return out, alpha


class DiffRGCN(nn.Module):
    """Multi-head differential attention (Eq. 18), output attention layer, residual FC and layer norm (§4.5).

    Args:
        dim: node size in and out.
        heads: hidden heads, each ``dim // heads`` wide (even).
        num_relations: relation ids the edges carry.
        relation_dim: relation embedding size.
        depth: the block's depth (for ``lambda_init``).
        dropout: dropout on the concatenated heads and the attention weights.
    """

    def __init__(self, dim: int, heads: int, num_relations: int, relation_dim: int, depth: int, dropout: float):
        super().__init__()
        head_dim = dim // heads
        self.heads = nn.ModuleList(
            DiffGraphAttention(dim, head_dim, num_relations, relation_dim, depth, dropout=dropout) for _ in range(heads)
        )
        self.output = DiffGraphAttention(head_dim * heads, dim, num_relations, relation_dim, depth, dropout=dropout)
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(dim, dim)
        self.norm = nn.LayerNorm(dim)

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor, edge_type: torch.Tensor) -> torch.Tensor:
        """``[N, dim]`` -> ``[N, dim]``."""
        hidden = torch.cat([nn.functional.elu(head(x, edge_index, edge_type)[0]) for head in self.heads], dim=-1)
        out, _ = self.output(self.dropout(hidden), edge_index, edge_type)
        return self.norm(x + self.fc(nn.functional.elu(out)))
