"""CaSCLA's causal-aware interaction over intra- and inter-speaker utterances (Guan et al., ICIC 2025, §3.2, Eqs. 8-9).

For target utterance ``i`` and earlier-or-same utterance ``j``:

- intra-cause (Eq. 8): ``s_ij = f_q(h_i) . (f_k(h_j) + f_e(Clue_j^intra)) / sqrt(d_h)`` where ``j <= i`` and ``j`` is
  said by ``i``'s speaker (Eq. 9); inter-cause alike over ``j < i`` said by another speaker, with
  ``Clue_j^inter``.
- Causal utterance traceback: the scores, softmax-normalised over the allowed ``j``, weight an aggregation of
  the context and the clues, ``sum_j a_ij (h_j + Clue_j)``; the causal-aware feature is
  ``f_i = W_o [h_i ; intra_i ; inter_i]``.

Clues: ``x_clues`` rows hold COMET's six relation vectors (xReact, xEffect, xWant, oReact, oEffect, oWant)
side by side; the first three are the intra-cause clues, the last three the inter-cause clues, each group
mapped by a linear layer to ``2 d_h`` (§3.2). Without a clue table the clue terms are absent and the interaction
runs on the context alone: the paper's "w/o causal-aware knowledge" reading.

Documented choices: masked pairs get ``-inf`` before the softmax (Eq. 8 multiplies the score by ``m_ij``; a
zero score would still receive weight); an utterance with no allowed ``j`` (no earlier turn of another
speaker) gets a zero aggregation; the traceback's aggregation and output layer are not given by the paper and
follow CauAIN's design of weighting context and clues by the retrieval scores.
"""

from __future__ import annotations

import torch
from torch import nn
from torch_geometric.utils import to_dense_batch


class CausalInteraction(nn.Module):
    """Eqs. 8-9 and the traceback aggregation.

    Args:
        dim: context size ``2 d_h`` (the Bi-GRU output).
        clue_dim: size of one clue row (six relation vectors), or 0 for no clues.
    """

    def __init__(self, dim: int, clue_dim: int = 0) -> None:
        super().__init__()
        self.query = nn.Linear(dim, dim)  # f_q
        self.key = nn.Linear(dim, dim)  # f_k
        self.clues = None
        if clue_dim:
            if clue_dim % 2:
                raise ValueError(f"a clue row holds intra and inter halves; got an odd size {clue_dim}")
            self.clues = nn.ModuleDict({k: nn.Linear(clue_dim // 2, dim) for k in ("intra", "inter")})  # f_e
        self.out = nn.Linear(3 * dim, dim)  # W_o
        self.scale = (dim // 2) ** 0.5  # sqrt(d_h)

    def forward(
        self, h: torch.Tensor, speaker: torch.Tensor, batch: torch.Tensor, clues: torch.Tensor | None = None
    ) -> torch.Tensor:
        """``h`` ``[N, dim]`` -> causal-aware features ``f`` ``[N, dim]``; ``clues`` ``[N, clue_dim]`` or None."""
        dense, present = to_dense_batch(h, batch)
        speakers, _ = to_dense_batch(speaker, batch, fill_value=-1)
        length = dense.size(1)
        earlier = torch.ones(length, length, dtype=torch.bool, device=h.device).tril()  # j <= i
        same = speakers.unsqueeze(2) == speakers.unsqueeze(1)
        valid = present.unsqueeze(1) & present.unsqueeze(2)
        allowed = {"intra": earlier & same & valid, "inter": earlier & ~same & valid}  # Eq. 9 and its inter twin
        query = self.query(dense)
        keys = self.key(dense)
        aggregated = []
        for kind, mask in allowed.items():
            key, value = keys, dense
            if self.clues is not None and clues is not None:
                half = clues.size(-1) // 2
                part = clues[:, :half] if kind == "intra" else clues[:, half:]
                clue = to_dense_batch(self.clues[kind](part), batch)[0]
                key, value = keys + clue, dense + clue
            scores = torch.einsum("bid,bjd->bij", query, key) / self.scale  # Eq. 8
            scores = scores.float().masked_fill(~mask, float("-inf"))
            weights = torch.nan_to_num(torch.softmax(scores, dim=-1)).to(dense.dtype)  # rows with no j -> 0
            aggregated.append(torch.bmm(weights, value))
        return self.out(torch.cat([dense, *aggregated], dim=-1))[present]
