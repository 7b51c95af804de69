"""CaSCLA's modality balancing: tensor-ring attention and the L2-normalised balanced fusion.

Guan et al., ICIC 2025, §3.1, Eqs. 2-6.

For utterance ``i`` and modality ``m`` with encoding ``c`` (``d`` features):

- Cores (Eq. 2): ``G_Q = reshape((c W_Q1) (x)_1 (c W_Q2))`` in ``R^{d x r x r}``. The mode-1 Khatri-Rao product is
  taken row by row over the feature axis: ``G_Q[k, s, w] = (c_k W_Q1[k, s]) (c_k W_Q2[k, w])``, which is what
  gives the ``d x r_s x r_w`` shape the paper states. ``G_K`` likewise.
- Attention (Eq. 3): ``Theta = softmax((G_Q * G_K) / sqrt(d_k))`` over the ``r x r`` entries of each feature.
- Pooling (Eq. 4): ``A^m`` is ``Theta`` averaged over the features (``r x r``); the ring contraction of a
  feature's ``Theta[k]`` with the pooled matrices of all modalities, closed by the trace
  (``tr(Theta[k] A^t A^a A^v)``), gives one score per feature, and a linear layer turns them into ``Att^m``.
- Balanced representation (Eq. 5): ``x^m = Att^m * c + eta * c`` (feature-wise).
- Fusion (Eq. 6): ``x = sum_m (W^m x^m) / (||W^m|| ||x^m||)``, the norm of ``W^m`` taken per output unit (each
  output is a cosine between ``x^m`` and a row of ``W^m``), so no modality dominates by scale.

Documented choices: ``r_s = r_w = rank`` (square cores make the ring contraction a chain of matrix products);
the fusion's output size is the context width, not ``|Y|`` (Eq. 6 writes ``W^m in R^{d_m x |Y|}``, which would
feed a seven-number vector to the Bi-GRU); a modality an utterance lacks gives an identity matrix in the ring
and no term in the sum.
"""

from __future__ import annotations

import torch
from torch import nn


class TensorRingAttention(nn.Module):
    """Eqs. 2-5 for every modality at once.

    Args:
        modalities: the modalities present.
        dim: encoding size ``d`` of every modality.
        rank: tensor-ring rank ``r``.
        eta: weight of the original encoding in Eq. 5.
    """

    def __init__(self, modalities: tuple[str, ...], dim: int, rank: int, eta: float) -> None:
        super().__init__()
        self.modalities = modalities
        self.eta = eta
        self.cores = nn.ParameterDict(
            {m: nn.Parameter(torch.randn(4, dim, rank) / rank**0.5) for m in modalities}
        )  # W_Q1, W_Q2, W_K1, W_K2
        self.out = nn.ModuleDict({m: nn.Linear(dim, dim) for m in modalities})
        self.scale = rank**0.5

    def attention_maps(self, c: torch.Tensor, m: str) -> torch.Tensor:
        """Eqs. 2-3: ``Theta`` ``[N, d, r, r]`` for modality ``m``'s encodings ``c`` ``[N, d]``."""
        q1, q2, k1, k2 = (c.unsqueeze(-1) * w for w in self.cores[m])  # each [N, d, r]
        query = q1.unsqueeze(-1) * q2.unsqueeze(-2)  # [N, d, r, r]
        key = k1.unsqueeze(-1) * k2.unsqueeze(-2)
        scores = (query * key / self.scale).flatten(-2)
        return torch.softmax(scores.float(), dim=-1).view_as(query).to(c.dtype)

    def forward(self, encodings: dict[str, torch.Tensor], masks: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        """Balanced representations ``x^m`` ``[N, d]`` (Eq. 5); rows of missing modalities are zero."""
        maps = {m: self.attention_maps(encodings[m], m) for m in self.modalities}
        pooled = {}
        for m, theta in maps.items():
            eye = torch.eye(theta.size(-1), device=theta.device, dtype=theta.dtype)
            pooled[m] = torch.where(masks[m].view(-1, 1, 1), theta.mean(1), eye)  # A^m; identity when absent
        ring = pooled[self.modalities[0]]
        for m in self.modalities[1:]:
            ring = ring @ pooled[m]  # A^t A^a A^v, [N, r, r]
        balanced = {}
        for m, theta in maps.items():
            score = torch.einsum("nkab,nba->nk", theta, ring)  # tr(Theta[k] A^t A^a A^v), Eq. 4
            attention = self.out[m](score)
            c = encodings[m]
            balanced[m] = (attention * c + self.eta * c) * masks[m].unsqueeze(-1)  # Eq. 5
        return balanced


class NormalisedFusion(nn.Module):
    """Eq. 6: the sum over modalities of cosines between ``x^m`` and the rows of ``W^m``, times a learned scale.

    Cosines lie in [-1, 1] and spread around 0 with ``1 / sqrt(dim)``: fed as they are to the Bi-GRU's gates the
    context barely trained. The scale (a choice, as NormFace's for cosine layers; initialised to
    ``sqrt(out_dim)``) gives them a usable range; measured in ``docs/models.md``.
    """

    def __init__(self, modalities: tuple[str, ...], dim: int, out_dim: int) -> None:
        super().__init__()
        self.weights = nn.ParameterDict(
            {m: nn.Parameter(nn.init.xavier_uniform_(torch.empty(out_dim, dim))) for m in modalities}
        )
        self.scale = nn.Parameter(torch.tensor(float(out_dim) ** 0.5))

    def term(self, x: torch.Tensor, m: str) -> torch.Tensor:
        """``W^m x / (||W^m_row|| ||x||)`` for one modality, ``[N, out_dim]``; zero rows stay zero."""
        weight = self.weights[m]
        unit_rows = weight / weight.norm(dim=-1, keepdim=True).clamp(min=1e-6)
        return (x @ unit_rows.T) / x.norm(dim=-1, keepdim=True).clamp(min=1e-6)

    def forward(self, balanced: dict[str, torch.Tensor]) -> torch.Tensor:
        """``x_i`` ``[N, out_dim]``."""
        return self.scale * torch.stack([self.term(x, m) for m, x in balanced.items()]).sum(0)
