"""Sequential context over each dialogue's utterances, in and out as node rows: a bidirectional RNN, self-attention.

PyG batches a dialogue's nodes contiguously and in turn order; the RNN runs on the padded ``[B, L, d]`` view
(``to_dense_batch``), packed so that padding never feeds the recurrence, and hands back ``[N, 2 * hidden]``.
:func:`attend_within_dialogues` runs any batch-first attention layer over the same view with the utterances
missing a modality hidden from the keys.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
from torch_geometric.utils import to_dense_batch

RNNS = {"lstm": nn.LSTM, "gru": nn.GRU}


class BidirectionalRNN(nn.Module):
    """Bidirectional LSTM or GRU over each dialogue.

    Args:
        in_dim: node feature size.
        hidden: hidden size per direction (the output is ``2 * hidden``).
        cell: ``lstm`` or ``gru``.
        num_layers: stacked layers.
        dropout: dropout between stacked layers.
    """

    def __init__(self, in_dim: int, hidden: int, cell: str = "lstm", num_layers: int = 1, dropout: float = 0.0):
        super().__init__()
        if cell not in RNNS:
            raise ValueError(f"unknown cell {cell!r}; valid cells: {', '.join(RNNS)}")
        self.rnn = RNNS[cell](
            in_dim,
            hidden,
            num_layers=num_layers,
            bidirectional=True,
            batch_first=True,
            dropout=dropout if num_layers > 1 else 0.0,
        )
        self.out_dim = 2 * hidden

    def forward(self, x: torch.Tensor, batch: torch.Tensor) -> torch.Tensor:
        """``x`` ``[N, in_dim]``, ``batch`` ``[N]`` -> ``[N, 2 * hidden]``."""
        dense, present = to_dense_batch(x, batch)
        lengths = present.sum(1).cpu()
        packed = pack_padded_sequence(dense, lengths, batch_first=True, enforce_sorted=False)
        out, _ = self.rnn(packed)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=dense.size(1))
        return out[present]


def attend_within_dialogues(
    layer: nn.Module, x: torch.Tensor, mask: torch.Tensor, batch: torch.Tensor, memory: torch.Tensor | None = None
) -> torch.Tensor:
    """Run ``layer`` (batch-first, ``src_key_padding_mask``) within each dialogue; ``[N, d]`` -> ``[N, d]``.

    ``mask`` ``[N]`` False hides an utterance from the keys (a dialogue with no key left attends over all its
    rows, which are zero filler, rather than produce NaNs). With ``memory`` ``[N, d]`` the layer is a
    cross-attention ``layer(queries, memory, key_padding_mask)`` whose keys and values come from ``memory``.
    """
    dense, present = to_dense_batch(x, batch)
    keys, _ = to_dense_batch(mask, batch)
    keys = keys & present
    keys = torch.where(keys.any(1, keepdim=True), keys, present)
    if memory is None:
        return layer(dense, src_key_padding_mask=~keys)[present]
    return layer(dense, to_dense_batch(memory, batch)[0], ~keys)[present]


class DialogueAttention(nn.Module):
    """Each utterance re-read as an attention-weighted sum of its dialogue's utterances (DialogueGCN §3.4).

    ``beta_i = softmax_j(x_i^T W x_j)`` over the utterances of the dialogue, ``out_i = sum_j beta_ij x_j``.
    """

    def __init__(self, width: int) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.empty(width, width))  # W_beta
        nn.init.kaiming_uniform_(self.weight, a=math.sqrt(5))

    def forward(self, x: torch.Tensor, batch: torch.Tensor) -> torch.Tensor:
        """``[N, width]`` -> ``[N, width]``."""
        dense, present = to_dense_batch(x, batch)
        scores = torch.einsum("bid,bjd->bij", dense @ self.weight.T, dense)
        scores = scores.masked_fill(~present.unsqueeze(1), float("-inf"))
        return torch.bmm(torch.softmax(scores, dim=-1), dense)[present]
