"""``mlp``: the context-free floor. Each utterance is classified from its own features alone.

Per-modality linear projections (missing modalities give zeros), concatenated, then a two-layer classifier.
No dialogue context, no speakers: what the graph models must beat.
"""

from __future__ import annotations

import torch
from torch import nn
from torch_geometric.data import Batch

from emoflow.models.base import DataSpec, DialogueModel, ModelOutput
from emoflow.models.layers.projection import MaskedProjection, classifier_head
from emoflow.models.mlp.config import MLPConfig
from emoflow.models.registry import register


@register
class MLP(DialogueModel):
    """Utterance-level classifier over the concatenated projected modalities."""

    name = "mlp"
    Config = MLPConfig

    def __init__(self, spec: DataSpec, config: MLPConfig) -> None:
        super().__init__(spec, config)
        self.project = MaskedProjection(spec.dims, config.hidden)
        width = config.hidden * len(spec.dims)
        self.dropout = nn.Dropout(config.dropout)
        self.head = classifier_head(width, config.hidden, spec.num_classes, config.dropout)

    def forward(self, batch: Batch) -> ModelOutput:
        """Logits ``[N, C]`` from each node's own features."""
        fused = self.project.concat(batch)
        return ModelOutput(self.head(self.dropout(torch.relu(fused))))
