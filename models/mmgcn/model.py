"""``mmgcn``: MMGCN, a multimodal utterance graph with a deep spectral GCN.

Hu et al., ACL 2021, "MMGCN: Multimodal Fusion via Deep Graph Convolution Network for Emotion Recognition in
Conversation".

- Modality encoders (§3.2): a bi-LSTM over the dialogue for text, a fully connected layer for audio and visual,
  plus a speaker embedding added to every modality (Eq. 1).
- Graph (§3.3): one node per utterance and modality. Intra-modal edges join the utterances of a dialogue within
  each modality; inter-modal edges join the modality nodes of one utterance. Edge weights are the angular
  similarity ``1 - arccos(cos(n_i, n_j)) / pi`` (Eq. 2), times ``inter_modal_weight`` on inter-modal edges.
- Deep spectral GCN (§3.4, Eq. 3): GCNII layers with initial residual ``alpha`` and identity mapping
  ``beta_l = log(lamda / l + 1)`` (PyG's ``GCN2Conv``).
- Classifier (§3.5): per modality the encoder output and the graph output, concatenated over modalities.

Documented choices: a node whose modality is missing is left out of the graph (no edges) and its output zeroed;
``window: null`` connects the whole dialogue as the paper does, a number limits it.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch_geometric.data import Batch
from torch_geometric.nn import GCN2Conv

from emoflow.models.base import DataSpec, DialogueModel, ModelOutput, modality_masks
from emoflow.models.layers.edges import dialogue_edges
from emoflow.models.layers.projection import MaskedProjection, classifier_head
from emoflow.models.layers.sequence import BidirectionalRNN
from emoflow.models.mmgcn.config import MMGCNConfig
from emoflow.models.registry import register


@register
class MMGCN(DialogueModel):
    """Multimodal utterance graph with a deep GCNII stack and speaker embeddings."""

    name = "mmgcn"
    Config = MMGCNConfig

    def __init__(self, spec: DataSpec, config: MMGCNConfig) -> None:
        super().__init__(spec, config)
        hidden = config.hidden
        if hidden % 2:
            raise ValueError(
                f"mmgcn hidden must be even (the text bi-LSTM gives hidden / 2 per direction), got {hidden}"
            )
        fc_dims = {m: d for m, d in spec.dims.items() if m != "text"}
        self.project = MaskedProjection(fc_dims, hidden)
        if "text" in spec.dims:
            self.text_context = BidirectionalRNN(spec.dims["text"], hidden // 2, "lstm")
        self.speaker = nn.Embedding(spec.num_speakers, hidden)
        self.into_graph = nn.Linear(hidden, hidden)
        self.convs = nn.ModuleList(
            GCN2Conv(hidden, config.alpha, theta=config.lamda, layer=layer) for layer in range(1, config.layers + 1)
        )
        self.dropout = nn.Dropout(config.dropout)
        width = 2 * hidden * len(spec.dims)
        self.head = classifier_head(width, hidden, spec.num_classes, config.dropout)

    def forward(self, batch: Batch) -> ModelOutput:
        """Logits ``[N, C]``."""
        masks = modality_masks(batch, self.modalities)
        encoded = self.project(batch)
        if "text" in masks:
            text = self.text_context(batch.x_text * masks["text"].unsqueeze(-1), batch.batch)
            encoded["text"] = text * masks["text"].unsqueeze(-1)
            encoded = {m: encoded[m] for m in self.modalities}
        speaker = self.speaker(batch.speaker)
        nodes = torch.cat([encoded[m] + speaker for m in self.modalities])  # [M * N, hidden], modality-major
        valid = torch.cat([masks[m] for m in self.modalities])
        edge_index, inter = self._edges(batch, len(self.modalities))
        keep = valid[edge_index[0]] & valid[edge_index[1]]
        edge_index, inter = edge_index[:, keep], inter[keep]
        weight = angular_similarity(nodes[edge_index[0]], nodes[edge_index[1]])
        weight = torch.where(inter, weight * self.config.inter_modal_weight, weight)

        h0 = torch.relu(self.into_graph(self.dropout(nodes)))
        h = h0
        for conv in self.convs:
            h = torch.relu(conv(self.dropout(h), h0, edge_index, weight))
        h = h * valid.unsqueeze(-1)
        n = batch.num_nodes
        per_modality = [torch.cat([encoded[m], h[k * n : (k + 1) * n]], dim=-1) for k, m in enumerate(self.modalities)]
        return ModelOutput(self.head(self.dropout(torch.cat(per_modality, dim=-1))))

    def _edges(self, batch: Batch, modalities: int) -> tuple[torch.Tensor, torch.Tensor]:
        """Intra-modal edges within each dialogue (and window) per modality, inter-modal edges per utterance."""
        window = self.config.window
        intra = dialogue_edges(batch.position, batch.speaker, batch.batch, past=window, future=window, self_loops=False)
        n = batch.num_nodes
        node = torch.arange(n, device=batch.speaker.device)
        parts = [intra.edge_index + k * n for k in range(modalities)]
        flags = [torch.zeros(intra.edge_index.size(1), dtype=torch.bool, device=node.device)] * modalities
        for k in range(modalities):
            for j in range(modalities):
                if j != k:
                    parts.append(torch.stack([node + k * n, node + j * n]))
                    flags.append(torch.ones(n, dtype=torch.bool, device=node.device))
        return torch.cat(parts, dim=1), torch.cat(flags)


def angular_similarity(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """``1 - arccos(cos(a, b)) / pi`` row by row (MMGCN Eq. 2), in ``[0, 1]``; clamped so its gradient is finite."""
    cosine = nn.functional.cosine_similarity(a, b, dim=-1).clamp(-1 + 1e-6, 1 - 1e-6)
    return 1 - torch.arccos(cosine) / math.pi
