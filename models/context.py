"""Sequential context: a bidirectional RNN over each dialogue's utterances, in and out as node rows.

PyG batches a dialogue's nodes contiguously and in turn order; the RNN runs on the padded ``[B, L, d]`` view
(``to_dense_batch``), packed so that padding never feeds the recurrence, and hands back ``[N, 2 * hidden]``.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
from torch_geometric.utils import to_dense_batch

RNNS = {"lstm": nn.LSTM, "gru": nn.GRU}


class DialogueRNN(nn.Module):
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
            in_dim, hidden, num_layers=num_layers, bidirectional=True, batch_first=True,
            dropout=dropout if num_layers > 1 else 0.0,
        )  # fmt: skip
        self.out_dim = 2 * hidden

    def forward(self, x: torch.Tensor, batch: torch.Tensor) -> torch.Tensor:
        """``x`` ``[N, in_dim]``, ``batch`` ``[N]`` -> ``[N, 2 * hidden]``."""
        dense, present = to_dense_batch(x, batch)
        lengths = present.sum(1).cpu()
        packed = pack_padded_sequence(dense, lengths, batch_first=True, enforce_sorted=False)
        out, _ = self.rnn(packed)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=dense.size(1))
        return out[present]
