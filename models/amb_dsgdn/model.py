"""``amb_dsgdn``: AMB-DSGDN, the adaptive modality-balanced dynamic semantic graph differential network.

Wang, Shou, Tan, Ai, Meng and Li, "Adaptive Modality-Balanced Dynamic Semantic Graph Differential Network for Multimodal
Emotion Recognition".

Follows the paper:

- Utterance-level encoder (§4.2): per modality a linear projection (Eq. 1), sinusoidal position encoding (Eq. 2)
  and a speaker embedding ``E_s`` of ``n_s + 1`` rows (Eq. 3), then a one-layer Transformer encoder with pre-LN
  GELU feed-forward (Eqs. 4-6).
- Relational subgraphs (§4.4, Eqs. 7-8): window ``w``, five relation ids; the inter-speaker subgraph ``Adj_c``
  (self, inter-future, inter-past) and the intra-speaker subgraph ``Adj_s`` (self, intra-past, intra-future),
  shared by the modalities (:mod:`models.layers.edges`).
- DiffRGCN per modality (§4.5, :mod:`models.amb_dsgdn.diff_graph_attention`): the inter-speaker block first, then the
  intra-speaker block.
- Adaptive modality dropout after the warm-up epochs (§4.6, :mod:`models.amb_dsgdn.modality_dropout`).
- Classifier (§4.7): one head per modality (ReLU, dropout, linear; Eq. 28), logits summed (Eq. 29), softmax
  (Eq. 30); loss = fused cross-entropy + sum_m alpha_m L_m with ``alpha_m = L_m / 10`` (Eqs. 31-33).

Documented choices (the paper is silent or ambiguous):

- The text modality gets the same position, speaker and Transformer encoder as audio and visual (Eq. 3 names
  audio and visual; Fig. 2 draws all three through the encoder).
- Attention heads, feed-forward width, relation embedding size and dropout are not given;
  ``configs/models/amb_dsgdn.yaml`` states the values used. ``alpha_m`` is computed from the detached loss (a
  weight, not a path for gradients).
- Missing modalities: a masked utterance is hidden from its modality's Transformer keys and graph edges, and
  its head's logits are left out of the sum.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch_geometric.data import Batch

from emoflow.models.amb_dsgdn.config import AMBDSGDNConfig
from emoflow.models.amb_dsgdn.diff_graph_attention import DiffRGCN
from emoflow.models.amb_dsgdn.modality_dropout import AdaptiveModalityDropout, batch_weighted_f1
from emoflow.models.base import DataSpec, DialogueModel, ModelOutput, masked_cross_entropy, modality_masks
from emoflow.models.layers.edges import (
    OTHER_FUTURE,
    OTHER_PAST,
    SAME_FUTURE,
    SAME_PAST,
    SELF,
    dialogue_edges,
    num_relations,
)
from emoflow.models.layers.sequence import attend_within_dialogues
from emoflow.models.registry import register

INTER_SPEAKER = (SELF, OTHER_FUTURE, OTHER_PAST)  # Adj_c, Eq. 8
INTRA_SPEAKER = (SELF, SAME_PAST, SAME_FUTURE)  # Adj_s, Eq. 7


def sinusoidal_encoding(position: torch.Tensor, dim: int) -> torch.Tensor:
    """Eq. 2: ``PE(pos, 2j) = sin(pos / 10000^(2j/d))``, ``PE(pos, 2j+1) = cos(...)``; ``[N]`` -> ``[N, dim]``."""
    frequencies = torch.exp(torch.arange(0, dim, 2, device=position.device) * (-math.log(10000.0) / dim))
    angles = position.float().unsqueeze(-1) * frequencies
    encoding = torch.zeros(position.numel(), dim, device=position.device)
    encoding[:, 0::2] = torch.sin(angles)
    encoding[:, 1::2] = torch.cos(angles[:, : dim // 2])
    return encoding


class UtteranceEncoder(nn.Module):
    """§4.2 for one modality: projection + position + speaker, then a one-layer pre-LN Transformer encoder."""

    def __init__(self, in_dim: int, config: AMBDSGDNConfig, speaker: nn.Embedding) -> None:
        super().__init__()
        self.project = nn.Linear(in_dim, config.hidden)  # Eq. 1
        self.speaker = speaker
        self.encoder = nn.TransformerEncoderLayer(
            config.hidden,
            config.encoder_heads,
            config.feedforward,
            config.dropout,
            activation="gelu",
            batch_first=True,
            norm_first=True,
        )

    def forward(self, x: torch.Tensor, mask: torch.Tensor, batch: Batch) -> torch.Tensor:
        """``[N, in_dim]`` -> ``[N, hidden]``; masked utterances are no keys for the others."""
        hidden = self.project(x) * mask.unsqueeze(-1)
        hidden = hidden + sinusoidal_encoding(batch.position, hidden.size(-1)) + self.speaker(batch.speaker)  # Eq. 3
        return attend_within_dialogues(self.encoder, hidden, mask, batch.batch)


@register
class AMBDSGDN(DialogueModel):
    """Transformer encoders, inter- then intra-speaker DiffRGCN, modality dropout, per-modality heads summed."""

    name = "amb_dsgdn"
    Config = AMBDSGDNConfig

    def __init__(self, spec: DataSpec, config: AMBDSGDNConfig) -> None:
        super().__init__(spec, config)
        hidden = config.hidden
        self.speaker = nn.Embedding(spec.num_speakers + 1, hidden)  # E_s, n_s + 1 rows (§4.2)
        relations = num_relations("speaker_direction")
        self.encoders = nn.ModuleDict({m: UtteranceEncoder(d, config, self.speaker) for m, d in spec.dims.items()})
        self.inter = nn.ModuleDict(
            {
                m: DiffRGCN(hidden, config.graph_heads, relations, config.relation_dim, 1, config.dropout)
                for m in spec.dims
            }
        )
        self.intra = nn.ModuleDict(
            {
                m: DiffRGCN(hidden, config.graph_heads, relations, config.relation_dim, 2, config.dropout)
                for m in spec.dims
            }
        )
        self.heads = nn.ModuleDict(
            {
                m: nn.Sequential(nn.ReLU(), nn.Dropout(config.dropout), nn.Linear(hidden, spec.num_classes))
                for m in spec.dims
            }
        )
        self.balance = AdaptiveModalityDropout(config.q_base, config.lam, config.p_exe, config.warmup_epochs)

    def start_epoch(self, epoch: int) -> None:
        """The modality dropout switches on after ``warmup_epochs``."""
        self.balance.epoch = epoch if self.config.modality_dropout else 0

    def forward(self, batch: Batch) -> ModelOutput:
        """Fused logits ``[N, C]`` plus each modality's logits for the auxiliary losses."""
        masks = modality_masks(batch, self.modalities)
        edges = dialogue_edges(
            batch.position, batch.speaker, batch.batch, past=self.config.window, future=self.config.window
        )
        subgraphs = {}
        for name, relations in (("inter", INTER_SPEAKER), ("intra", INTRA_SPEAKER)):
            chosen = torch.isin(edges.edge_type, torch.tensor(relations, device=edges.edge_type.device))
            subgraphs[name] = (edges.edge_index[:, chosen], edges.edge_type[chosen])

        features = {}
        for m in self.modalities:
            x = self.encoders[m](batch[f"x_{m}"], masks[m], batch)
            for name, block in (("inter", self.inter[m]), ("intra", self.intra[m])):
                edge_index, edge_type = subgraphs[name]
                usable = masks[m][edge_index[0]]  # no messages from utterances missing this modality
                x = block(x, edge_index[:, usable], edge_type[usable])
            features[m] = x

        loss_mask = None
        if self.balance.active(len(features)):
            features, loss_mask = self.balance(features, self._scores(features, batch), batch.batch, batch.num_graphs)
        unimodal = {m: self.heads[m](features[m]) for m in self.modalities}  # Eq. 28
        fused = sum(unimodal[m] * masks[m].unsqueeze(-1) for m in self.modalities)  # Eq. 29
        assert isinstance(fused, torch.Tensor)
        return ModelOutput(fused, unimodal, loss_mask)

    @torch.no_grad()
    def _scores(self, features: dict[str, torch.Tensor], batch: Batch) -> dict[str, float]:
        """Eq. 19: each modality head's weighted F1 on the batch's labelled utterances that have the modality."""
        scores = {}
        for m, x in features.items():
            use = (batch.y >= 0) & batch[f"mask_{m}"]
            predicted = self.heads[m](x[use]).argmax(-1)
            scores[m] = batch_weighted_f1(predicted, batch.y[use], self.spec.num_classes)
        return scores

    def loss(self, output: ModelOutput, y: torch.Tensor, class_weight: torch.Tensor | None = None) -> torch.Tensor:
        """Eq. 33: fused cross-entropy plus ``alpha_m L_m`` per modality, ``alpha_m = L_m / 10`` (detached)."""
        total = masked_cross_entropy(output.logits, y, output.loss_mask, class_weight)
        if self.config.aux_loss:
            for logits in output.unimodal.values():
                unimodal = masked_cross_entropy(logits, y, output.loss_mask, class_weight)
                total = total + unimodal.detach() / 10 * unimodal
        return total
