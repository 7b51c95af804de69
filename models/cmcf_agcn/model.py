"""``cmcf_agcn``: cross-modal context fusion and an adaptive graph convolutional network, trained multi-task.

"Cross-modal Context Fusion and Adaptive Graph Convolutional Network for Multimodal Conversational Emotion
Recognition" (arXiv 2501.15063; the summary we read has no equations, so every part below is designed from
its description and the work it cites, and says so).

Follows the described structure:

- Cross-modal alignment (§III-C1): co-attention transformer (CT) blocks over the six ordered modality pairs,
  each reading the dialogue of one modality (queries) against another (keys, values); the six aligned
  representations are concatenated with the unimodal features ``U^T, U^A, U^V``.
- A BiGRU over the fused sequence gives ``g_i``.
- Adaptive graph (§III-C2): a directed graph over a past-10 / future-10 window with self-loops ("speaker
  inertia"), attention edge weights, two GCN steps with DropMessage.
- Attention + MLP classifier; a multi-task loss over the fine emotion and the coarse sentiment
  (positive / neutral / negative, mapped from the emotion labels), weighted by ``alpha``.

Documented choices (no equations to follow):

- Unimodal features are first projected to a shared ``hidden`` size (the CT blocks need one width). A CT block
  is MulT-style (Tsai et al. 2019): cross-attention with residual and LayerNorm, then a feed-forward sublayer;
  aligned rows of utterances that lack the query modality are zero.
- Edge weights are scaled dot-product attention ``softmax_j(q(g_i) . k(g_j) / sqrt(d))`` over each node's window
  (already summing to 1, so no further ``1 / c_{i,r}``); relations are speaker/direction
  (:mod:`models.layers.edges`). Step one is an edge-weighted relational GCN, step two a plain GCN (one relation)
  that averages the neighbours, both ReLU, both with DropMessage (Fang et al. 2023) at ``drop_message``.
- The classifier reads ``[g_i, h_i]`` next to DialogueGCN's attention over the dialogue (§3.4) of it, then a ReLU
  layer; a fine head (emotion classes) and a coarse head (three sentiments) share it.
- How these three choices were measured against the earlier ones (per-relation division, summing GCN, the
  attention replacing the node): ``docs/models.md``, "Why the graph models fell below the floor".
- Loss ``L = L_fine + alpha * L_coarse`` (the summary reports alpha = 0.7 on IEMOCAP, 0.5 on MELD as the weight
  of the coarse task). The emotion -> sentiment mapping is ``sentiment`` in the config; a class without an entry
  is an error that names it.
- Missing modalities: masked utterances are hidden from the CT keys, and their unimodal and aligned rows are zero.
"""

from __future__ import annotations

import itertools

import torch
from torch import nn
from torch_geometric.data import Batch
from torch_geometric.utils import softmax

from emoflow.models.base import (
    DataSpec,
    DialogueModel,
    ModelOutput,
    masked_cross_entropy,
    modality_masks,
)
from emoflow.models.cmcf_agcn.config import CMCFAGCNConfig
from emoflow.models.graph_data import IGNORE_INDEX
from emoflow.models.layers.edges import dialogue_edges, mean_weights, num_relations
from emoflow.models.layers.projection import MaskedProjection
from emoflow.models.layers.relational_conv import RelationalConv
from emoflow.models.layers.sequence import BidirectionalRNN, DialogueAttention, attend_within_dialogues
from emoflow.models.registry import register

SENTIMENTS = ("negative", "neutral", "positive")


class CrossModalBlock(nn.Module):
    """A co-attention transformer block: queries from one modality, keys and values from another."""

    def __init__(self, dim: int, heads: int, feedforward: int, dropout: float) -> None:
        super().__init__()
        self.attention = nn.MultiheadAttention(dim, heads, dropout=dropout, batch_first=True)
        self.norm_attention = nn.LayerNorm(dim)
        self.feedforward = nn.Sequential(
            nn.Linear(dim, feedforward), nn.GELU(), nn.Dropout(dropout), nn.Linear(feedforward, dim)
        )
        self.norm_feedforward = nn.LayerNorm(dim)

    def forward(self, query: torch.Tensor, memory: torch.Tensor, key_padding_mask: torch.Tensor) -> torch.Tensor:
        """``[B, L, dim]`` queries attend over ``[B, L, dim]`` memory; padded keys are True in the mask."""
        attended, _ = self.attention(query, memory, memory, key_padding_mask=key_padding_mask, need_weights=False)
        x = self.norm_attention(query + attended)
        return self.norm_feedforward(x + self.feedforward(x))


@register
class CMCFAGCN(DialogueModel):
    """Six CT blocks + unimodal features, BiGRU, adaptive two-step GCN with DropMessage, fine + coarse heads."""

    name = "cmcf_agcn"
    Config = CMCFAGCNConfig

    def __init__(self, spec: DataSpec, config: CMCFAGCNConfig) -> None:
        super().__init__(spec, config)
        unmapped = [c for c in spec.classes if config.sentiment.get(c) not in SENTIMENTS]
        if unmapped:
            raise ValueError(
                f"cmcf_agcn: classes {unmapped} have no sentiment ({', '.join(SENTIMENTS)}) in the config's "
                "sentiment mapping; add them to `sentiment:` in the settings file"
            )
        coarse = [SENTIMENTS.index(config.sentiment[c]) for c in spec.classes]
        self.coarse_of: torch.Tensor
        self.register_buffer("coarse_of", torch.tensor(coarse), persistent=False)
        d = config.hidden
        self.project = MaskedProjection(spec.dims, d)
        self.pairs = list(itertools.permutations(self.modalities, 2))
        self.align = nn.ModuleDict(
            {f"{m}_{n}": CrossModalBlock(d, config.heads, config.feedforward, config.dropout) for m, n in self.pairs}
        )
        self.context = BidirectionalRNN(d * (len(self.modalities) + len(self.pairs)), config.gru_hidden, "gru")
        g = self.context.out_dim
        self.query, self.key = nn.Linear(g, g), nn.Linear(g, g)
        relations = num_relations("speaker_direction")
        self.relational = RelationalConv(g, config.graph_hidden, relations, message_dropout=config.drop_message)
        self.gcn = RelationalConv(config.graph_hidden, config.graph_hidden, 1, message_dropout=config.drop_message)
        width = g + config.graph_hidden
        self.attention = DialogueAttention(width)
        self.dropout = nn.Dropout(config.dropout)
        self.hidden_layer = nn.Linear(2 * width, config.graph_hidden)
        self.fine = nn.Linear(config.graph_hidden, spec.num_classes)
        self.coarse = nn.Linear(config.graph_hidden, len(SENTIMENTS))

    def forward(self, batch: Batch) -> ModelOutput:
        """Emotion logits ``[N, C]``; the sentiment logits ``[N, 3]`` go to the multi-task loss."""
        masks = modality_masks(batch, self.modalities)
        unimodal = self.project(batch)
        aligned = [
            attend_within_dialogues(self.align[f"{m}_{n}"], unimodal[m], masks[n], batch.batch, memory=unimodal[n])
            * masks[m].unsqueeze(-1)
            for m, n in self.pairs
        ]
        fused = torch.cat([*unimodal.values(), *aligned], dim=-1)
        g = self.dropout(self.context(fused, batch.batch))

        edges = dialogue_edges(
            batch.position, batch.speaker, batch.batch, past=self.config.past, future=self.config.future
        )
        source, target = edges.edge_index
        scores = (self.query(g)[target] * self.key(g)[source]).sum(-1) / g.size(-1) ** 0.5
        alpha = softmax(scores.float(), target, num_nodes=g.size(0)).to(g.dtype)
        h = torch.relu(self.relational(g, edges.edge_index, edges.edge_type, alpha))
        average = mean_weights(edges.edge_index, g.size(0)).to(h.dtype)
        h = torch.relu(self.gcn(h, edges.edge_index, torch.zeros_like(edges.edge_type), average))

        node = torch.cat([g, h], dim=-1)
        node = torch.cat([node, self.attention(node, batch.batch)], dim=-1)
        hidden = self.dropout(torch.relu(self.hidden_layer(node)))
        return ModelOutput(self.fine(hidden), auxiliary={"coarse_logits": self.coarse(hidden)})

    def loss(self, output: ModelOutput, y: torch.Tensor, class_weight: torch.Tensor | None = None) -> torch.Tensor:
        """``L_fine + alpha * L_coarse``; sentiment labels come from the config's mapping of the emotion labels."""
        fine = masked_cross_entropy(output.logits, y, output.loss_mask, class_weight)
        coarse_y = torch.where(y == IGNORE_INDEX, y, self.coarse_of[y.clamp(min=0)])
        coarse = masked_cross_entropy(output.auxiliary["coarse_logits"], coarse_y, output.loss_mask)
        return fine + self.config.alpha * coarse
