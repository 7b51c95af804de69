"""``bc_lstm``: the bidirectional contextual LSTM, the sequential floor.

Poria et al., ACL 2017, "Context-dependent sentiment analysis in user-generated videos", §3.2: utterance
features, concatenated across modalities, run through a bi-LSTM over the dialogue; each utterance is classified
from its contextual state. Context, but no speakers.
"""

from __future__ import annotations

import torch
from torch import nn
from torch_geometric.data import Batch

from emoflow.models.base import DataSpec, DialogueModel, ModelOutput
from emoflow.models.bc_lstm.config import BCLSTMConfig
from emoflow.models.layers.projection import MaskedProjection, classifier_head
from emoflow.models.layers.sequence import BidirectionalRNN
from emoflow.models.registry import register


@register
class BCLSTM(DialogueModel):
    """Projection -> bi-LSTM over each dialogue -> classifier."""

    name = "bc_lstm"
    Config = BCLSTMConfig

    def __init__(self, spec: DataSpec, config: BCLSTMConfig) -> None:
        super().__init__(spec, config)
        self.project = MaskedProjection(spec.dims, config.hidden)
        self.dropout = nn.Dropout(config.dropout)
        self.context = BidirectionalRNN(
            config.hidden * len(spec.dims), config.hidden, "lstm", config.layers, config.dropout
        )
        self.head = classifier_head(self.context.out_dim, config.hidden, spec.num_classes, config.dropout)

    def forward(self, batch: Batch) -> ModelOutput:
        """Logits ``[N, C]`` from each node's state in its dialogue's bi-LSTM."""
        fused = self.dropout(torch.relu(self.project.concat(batch)))
        return ModelOutput(self.head(self.dropout(self.context(fused, batch.batch))))
