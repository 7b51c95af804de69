"""A Bi-GRU whose gate inputs can be perturbed, and the FGM perturbation.

CaSCLA (Guan et al., ICIC 2025), §3.4, Eqs. 19-20, Fig. 3.

A GRU computes, per direction, ``W_ir x + b_ir`` (reset gate), ``W_iz x + b_iz`` (update gate) and
``W_in x + b_in`` (candidate state) from its input. CaSCLA puts the adversarial perturbation "on the two gated
layers and the candidate hidden state" of each direction. :class:`GateInputGRU` therefore computes those six
input projections itself (``[N, 6 * hidden]``), lets the caller add a perturbation to them, and runs PyTorch's
(cuDNN) GRU on them with input weights fixed to a selection of the forward or the backward half. It is a
bidirectional GRU in every other respect.

:func:`fgm_perturbation` is Eq. 20: ``r = -eps g / ||g||`` with ``g`` the gradient of ``log p(y | x)``, i.e. a step of
length ``eps`` up the classification loss, with the norm taken per utterance (a choice: FGM normalises per
example, and an utterance is the example here).
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
from torch_geometric.utils import to_dense_batch


class GateInputGRU(nn.Module):
    """Bidirectional GRU over each dialogue with its gate input projections exposed.

    Args:
        in_dim: node feature size.
        hidden: hidden size per direction (the output is ``2 * hidden``).
    """

    def __init__(self, in_dim: int, hidden: int) -> None:
        super().__init__()
        self.gates = nn.Linear(in_dim, 6 * hidden)  # W_i{r,z,n} and b_i{r,z,n} of both directions
        self.rnn = nn.GRU(6 * hidden, hidden, bidirectional=True, batch_first=True)
        eye = torch.eye(3 * hidden)
        zeros = torch.zeros(3 * hidden, 3 * hidden)
        selections = {
            "weight_ih_l0": torch.cat([eye, zeros], dim=1),
            "weight_ih_l0_reverse": torch.cat([zeros, eye], dim=1),
            "bias_ih_l0": torch.zeros(3 * hidden),
            "bias_ih_l0_reverse": torch.zeros(3 * hidden),
        }
        for name, value in selections.items():
            parameter: nn.Parameter = getattr(self.rnn, name)
            with torch.no_grad():
                parameter.copy_(value)
            parameter.requires_grad_(False)  # a selection, not learned: self.gates is
        self.out_dim = 2 * hidden

    def gate_inputs(self, x: torch.Tensor) -> torch.Tensor:
        """``[N, in_dim]`` -> the six gate input projections ``[N, 6 * hidden]`` (the perturbable path)."""
        return self.gates(x)

    def recur(self, gates: torch.Tensor, batch: torch.Tensor) -> torch.Tensor:
        """Run both directions over each dialogue from (possibly perturbed) gate inputs -> ``[N, 2 * hidden]``."""
        dense, present = to_dense_batch(gates, batch)
        packed = pack_padded_sequence(dense, present.sum(1).cpu(), batch_first=True, enforce_sorted=False)
        out, _ = self.rnn(packed)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=dense.size(1))
        return out[present]

    def forward(self, x: torch.Tensor, batch: torch.Tensor) -> torch.Tensor:
        """The unperturbed Bi-GRU."""
        return self.recur(self.gate_inputs(x), batch)


def fgm_perturbation(loss: torch.Tensor, inputs: torch.Tensor, epsilon: float) -> torch.Tensor:
    """Eq. 20: ``epsilon * grad / ||grad||`` of ``loss`` (the negative log-likelihood) w.r.t. ``inputs``, per row.

    Detached: the perturbation is a constant of the adversarial pass (``theta-hat`` in Eq. 19). Rows whose
    gradient is zero (unlabelled utterances far from any label) get no perturbation.
    """
    (gradient,) = torch.autograd.grad(loss, inputs, retain_graph=True)
    norm = gradient.norm(dim=-1, keepdim=True)
    return torch.where(norm > 0, epsilon * gradient / norm.clamp(min=1e-12), torch.zeros_like(gradient)).detach()
