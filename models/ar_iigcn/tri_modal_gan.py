"""AR-IIGCN's tri-modal GAN (TGAN; Shou, Meng, Ai and Li, §IV-A1, Eqs. 2-7).

For each modality ``m`` a generator ``G_m`` maps each *other* modality's projection into ``m``'s space and a
discriminator ``D_m`` tells ``m``'s real projections from generated ones. Eqs. 2, 4, 6 apply the generator to
each other modality separately (one expectation per source modality), which is what :meth:`losses` does.

- Discriminators (Eqs. 3, 5, 7): maximise ``log D_m(real) + sum_o log(1 - D_m(G_m(o)))``, i.e. minimise the binary
  cross-entropy with real = 1, generated = 0. The real projections are detached here: the discriminator judges
  them, it does not shape them.
- Generators (Eqs. 2, 4, 6): the equations minimise ``log(1 - D_m(G_m(o)))``; this module minimises the
  non-saturating form ``-log D_m(G_m(o))`` (Goodfellow et al. 2014, §3: same fixed point, usable gradients
  while the discriminator is winning). Gradients flow through the generator into the source modality's
  projection, which is how the adversarial phase shapes the projections the graph stage reads.

Only utterances that have both modalities of a pair take part; with fewer than two modalities there is no GAN.
"""

from __future__ import annotations

import torch
from torch import nn


def _mlp(in_dim: int, hidden: int, out_dim: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(in_dim, hidden), nn.LeakyReLU(0.2), nn.Linear(hidden, out_dim))


class TriModalGAN(nn.Module):
    """One generator and one discriminator per modality, over ``dim``-sized projections.

    Args:
        modalities: the modalities present (a GAN needs two or more).
        dim: projection size ``d`` of Eq. 1.
        hidden: hidden width of each generator and discriminator MLP.
    """

    def __init__(self, modalities: tuple[str, ...], dim: int, hidden: int) -> None:
        super().__init__()
        self.modalities = modalities
        self.generators = nn.ModuleDict({m: _mlp(dim, hidden, dim) for m in modalities})
        self.discriminators = nn.ModuleDict({m: _mlp(dim, hidden, 1) for m in modalities})

    @property
    def active(self) -> bool:
        """Whether there is a pair of modalities to translate between."""
        return len(self.modalities) > 1

    def _pairs(self, masks: dict[str, torch.Tensor]) -> list[tuple[str, str, torch.Tensor]]:
        """(target m, source o, rows having both) for every ordered pair of distinct modalities."""
        return [(m, o, masks[m] & masks[o]) for m in self.modalities for o in self.modalities if o != m]

    def discriminator_loss(self, projected: dict[str, torch.Tensor], masks: dict[str, torch.Tensor]) -> torch.Tensor:
        """Eqs. 3, 5, 7 as a loss to minimise: real rows scored 1, generated rows 0; nothing upstream is trained."""
        loss = _zero(projected)
        for m in self.modalities:
            real = projected[m][masks[m]].detach()
            if len(real):
                score = self.discriminators[m](real)
                loss = loss + nn.functional.binary_cross_entropy_with_logits(score, torch.ones_like(score))
        for m, o, both in self._pairs(masks):
            if both.any():
                score = self.discriminators[m](self.generators[m](projected[o][both].detach()).detach())
                loss = loss + nn.functional.binary_cross_entropy_with_logits(score, torch.zeros_like(score))
        return loss

    def generator_loss(self, projected: dict[str, torch.Tensor], masks: dict[str, torch.Tensor]) -> torch.Tensor:
        """Eqs. 2, 4, 6 in the non-saturating form; gradients reach the generators and the source projections."""
        loss = _zero(projected)
        for m, o, both in self._pairs(masks):
            if both.any():
                score = self.discriminators[m](self.generators[m](projected[o][both]))
                loss = loss + nn.functional.binary_cross_entropy_with_logits(score, torch.ones_like(score))
        return loss


def _zero(projected: dict[str, torch.Tensor]) -> torch.Tensor:
    return next(iter(projected.values())).sum() * 0.0
