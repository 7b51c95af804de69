"""Adaptive modality dropout (AMB-DSGDN, Wang et al., §4.6, Algorithm 2, Eqs. 19-27).

Every training batch, after the warm-up epochs: score each modality by the weighted F1 of its own head on the
batch's labelled utterances (Eq. 19), turn the scores into relative ratios ``r_{m,j} = p_m / (p_j + eps) - 1``
(Eqs. 20-21), weight them by ``softmax(relu(r_m))`` and average (Eqs. 22-23), and set the dropout probability
``q_m = clip(q_base (1 + lambda r_m), 0, 1)`` (Eq. 24): the stronger a modality, the more often it is dropped.
With probability ``p_exe`` a Bernoulli mask ``M_{m,b} ~ Bernoulli(1 - q_m)`` drops whole modalities per dialogue
(Eq. 25); the kept features are scaled by ``1 / (1 - theta)``, ``theta`` the dimension-weighted mean of ``q``
(Eq. 26), through :class:`ExpectationScale`, which passes no gradient to ``theta`` (Eq. 27). Dialogues left with
no modality are dropped from the step's loss (Algorithm 2, line 12).

Documented choices: ``p_m`` is scikit-learn's support-weighted F1 as the text names it (Eq. 19 as printed, with
inverse-frequency weights on precision x recall, is not an F1); with a single modality there is nothing to
balance and the mechanism stays off.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch
from torch import nn

EPSILON = 1e-5  # Eq. 20


def batch_weighted_f1(predicted: torch.Tensor, gold: torch.Tensor, num_classes: int) -> float:
    """Support-weighted F1 of ``predicted`` against ``gold`` (1-D class indices), computed on the tensors' device."""
    if gold.numel() == 0:
        return 0.0
    index = gold * num_classes + predicted
    confusion = torch.bincount(index, minlength=num_classes**2).reshape(num_classes, num_classes).float()
    true_positive = confusion.diagonal()
    support = confusion.sum(1)
    precision = true_positive / confusion.sum(0).clamp(min=1)
    recall = true_positive / support.clamp(min=1)
    f1 = torch.where(precision + recall > 0, 2 * precision * recall / (precision + recall).clamp(min=1e-12), 0.0)
    return float((f1 * support).sum() / support.sum())


def dropout_probabilities(scores: Mapping[str, float], q_base: float, lam: float) -> dict[str, float]:
    """Eqs. 20-24: per-modality dropout probability from the per-modality scores ``p_m``."""
    names = list(scores)
    probabilities = {}
    for m in names:
        ratios = torch.tensor([scores[m] / (scores[j] + EPSILON) - 1 for j in names if j != m], dtype=torch.float64)
        if ratios.numel() == 0:
            probabilities[m] = q_base
            continue
        weights = torch.softmax(torch.relu(ratios), dim=0)  # Eq. 22
        mean_ratio = float((weights * ratios).sum() / ratios.numel())  # Eq. 23
        probabilities[m] = min(max(q_base * (1 + lam * mean_ratio), 0.0), 1.0)  # Eq. 24
    return probabilities


class ExpectationScale(torch.autograd.Function):
    """``x / (1 - theta)`` whose backward passes ``grad / (1 - theta)`` to ``x`` and nothing to ``theta`` (Eq. 27)."""

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor, theta: float) -> torch.Tensor:
        """Forward: linear scaling."""
        ctx.scale = 1.0 / (1.0 - theta)
        return x * ctx.scale

    @staticmethod
    def backward(ctx: Any, *grad_outputs: torch.Tensor) -> tuple[torch.Tensor, None]:
        """Backward: the same scaling for ``x``, no gradient for ``theta``."""
        return grad_outputs[0] * ctx.scale, None


class AdaptiveModalityDropout(nn.Module):
    """Algorithm 2 on per-modality node features.

    Args:
        q_base: base dropout probability.
        lam: scaling factor lambda of Eq. 24.
        p_exe: probability that a batch is dropped at all.
        warmup_epochs: epochs (1-based, inclusive) before the mechanism switches on.
    """

    def __init__(self, q_base: float, lam: float, p_exe: float, warmup_epochs: int) -> None:
        super().__init__()
        self.q_base, self.lam, self.p_exe, self.warmup_epochs = q_base, lam, p_exe, warmup_epochs
        self.epoch = 0
        self.last_probabilities: dict[str, float] = {}

    def active(self, modalities: int) -> bool:
        """Whether this training step may drop: training, past warm-up, more than one modality."""
        return self.training and self.epoch > self.warmup_epochs and modalities > 1

    def forward(
        self, features: dict[str, torch.Tensor], scores: Mapping[str, float], graph: torch.Tensor, num_graphs: int
    ) -> tuple[dict[str, torch.Tensor], torch.Tensor | None]:
        """Drop and rescale ``features`` (``{m: [N, d]}``, ``graph`` ``[N]`` the dialogue of each node).

        Returns the new features and a ``[N]`` mask of nodes whose dialogue kept a modality (``None`` when the
        batch was left alone).
        """
        if not self.active(len(features)) or float(torch.rand(())) >= self.p_exe:
            return features, None
        q = dropout_probabilities(scores, self.q_base, self.lam)
        self.last_probabilities = q
        device = graph.device
        keep = {m: torch.bernoulli(torch.full((num_graphs,), 1.0 - q[m], device=device)) for m in features}  # Eq. 25
        dims = {m: features[m].size(-1) for m in features}
        theta = sum(dims[m] * q[m] for m in features) / sum(dims.values())  # Eq. 26
        theta = min(theta, 1.0 - 1e-3)
        dropped = {
            m: ExpectationScale.apply(features[m] * keep[m][graph].unsqueeze(-1).to(features[m].dtype), theta)
            for m in features
        }
        kept_any = torch.stack(list(keep.values())).sum(0) > 0
        return dropped, kept_any[graph]
