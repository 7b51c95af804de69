"""``dialoguegcn``: DialogueGCN, a speaker-relational graph over a window of the dialogue.

Ghosal et al., EMNLP 2019, "DialogueGCN: A Graph Convolutional Neural Network for Emotion Recognition in
Conversation".

- Sequential context encoder (§3.2): a bidirectional GRU over the utterances, ``g_i``. Multimodal inputs are
  projected per modality and concatenated first (early fusion, as MMGCN ran the baseline); the paper is text-only.
- Edges (§3.3.1): a past/future window (10/10, §4.2) with DialogueGCN's ``2 M^2`` speaker-pair relations
  (:mod:`models.layers.edges`, ``speaker_pair``).
- Edge weights (§3.3.2): ``alpha_ij = softmax_j(g_i^T W_e g_j)`` over each node's window.
- Speaker-level context encoder (§3.3.3): an edge-weighted relational GCN, then a GCN step, both with ReLU.
- Classifier (§3.4): ``[g_i, h_i]``, optionally attention over the dialogue's utterances (``nodal_attention``), a
  ReLU layer, a softmax layer.

Documented choices: the relational step has no ``1 / c_{i,r}`` normalisation beyond the attention weights and
uses 30 bases (as the authors' code does); dropout sits on the GRU output and before the last layer. Two
departures, measured on long two-party dialogues (``docs/models.md``, "Why the graph models fell below the
floor"): the GCN step averages its neighbours (``gcn_aggregation: mean``; the authors' code sums them, scaling a
node by its window, about 21 nodes), and the nodal attention of §3.4 is off by default, as in the authors'
scripts: it replaces each node by a mixture of its whole dialogue, which washes the node out on long dialogues.
"""

from __future__ import annotations

import torch
from torch import nn
from torch_geometric.data import Batch
from torch_geometric.nn import GraphConv
from torch_geometric.utils import softmax

from emoflow.models.base import DataSpec, DialogueModel, ModelOutput
from emoflow.models.dialoguegcn.config import DialogueGCNConfig
from emoflow.models.layers.edges import dialogue_edges
from emoflow.models.layers.projection import MaskedProjection
from emoflow.models.layers.relational_conv import RelationalConv
from emoflow.models.layers.sequence import BidirectionalRNN, DialogueAttention
from emoflow.models.registry import register


@register
class DialogueGCN(DialogueModel):
    """Bi-GRU context, speaker-relational graph over a window, attention classifier."""

    name = "dialoguegcn"
    Config = DialogueGCNConfig

    def __init__(self, spec: DataSpec, config: DialogueGCNConfig) -> None:
        super().__init__(spec, config)
        self.project = MaskedProjection(spec.dims, config.hidden)
        self.context = BidirectionalRNN(config.hidden * len(spec.dims), config.hidden, "gru")
        g = self.context.out_dim
        self.edge_score = nn.Bilinear(g, g, 1, bias=False)  # §3.3.2: g_i^T W_e g_j
        self.relational = RelationalConv(g, config.graph_hidden, 2 * spec.num_speakers**2, config.num_bases)
        self.gcn = GraphConv(config.graph_hidden, config.graph_hidden, aggr=config.gcn_aggregation)
        width = g + config.graph_hidden
        self.attention = DialogueAttention(width)  # §3.4
        self.dropout = nn.Dropout(config.dropout)
        self.hidden_layer = nn.Linear(width, config.graph_hidden)
        self.out = nn.Linear(config.graph_hidden, spec.num_classes)

    def forward(self, batch: Batch) -> ModelOutput:
        """Logits ``[N, C]``."""
        fused = self.project.concat(batch)
        g = self.dropout(self.context(fused, batch.batch))
        edges = dialogue_edges(
            batch.position,
            batch.speaker,
            batch.batch,
            past=self.config.past,
            future=self.config.future,
            scheme="speaker_pair",
            num_speakers=self.spec.num_speakers,
        )
        source, target = edges.edge_index
        alpha = softmax(self.edge_score(g[target], g[source]).squeeze(-1), target, num_nodes=g.size(0))
        h = torch.relu(self.relational(g, edges.edge_index, edges.edge_type, alpha))
        h = torch.relu(self.gcn(h, edges.edge_index))
        node = torch.cat([g, h], dim=-1)
        if self.config.nodal_attention:
            node = self.attention(node, batch.batch)
        return ModelOutput(self.out(self.dropout(torch.relu(self.hidden_layer(node)))))
