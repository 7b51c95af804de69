"""``cascla``: CaSCLA, cause-based supervised contrastive learning with adversarial sample-label pairs.

Guan et al., ICIC 2025, "Cause-based Supervised Contrastive Learning with Adversarial Sample-label for
Multimodal Emotion Recognition in Conversation".

Follows the paper:

- Transformer unimodal encoders ``c^m`` (Eq. 1).
- Tensor-ring attention for modality balancing and the L2-normalised balanced fusion (Eqs. 2-6,
  :mod:`models.cascla.tensor_ring_fusion`).
- Bi-GRU context ``h_i`` (Eq. 7) and the causal-aware interaction over intra- and inter-speaker utterances with
  commonsense clues (Eqs. 8-9, :mod:`models.cascla.causal_interaction`), giving ``f_i``.
- SCLA loss (Eqs. 10-18, :mod:`models.cascla.scla_loss`) with the extra positives ``f^r_i`` (adversarial) and
  ``f_(t)i`` (textual causal-aware feature); adversarial samples training puts an FGM perturbation on the
  Bi-GRU's gate and candidate inputs (Eqs. 19-20, :mod:`models.cascla.perturbed_gru`); ``L = L_CE + L_SCLA`` (Eq. 21).

Clues: the interaction reads COMET clue vectors from a feature table named by ``clues`` (an extractor id; see
``docs/models.md``). With ``clues: null`` it runs on the context alone, the paper's "w/o causal-aware knowledge"
ablation (Table 4), and the run's config and report say so.

Documented choices (the paper is silent or ambiguous):

- Eq. 7 writes ``h`` as the forward and ``h^r`` as the backward GRU; read as: ``h`` is the Bi-GRU's output, ``h^r``
  the same Bi-GRU's output under the perturbation (Fig. 3, §3.4).
- ``f_(t)`` runs the text term of the fusion (Eq. 6) through the same Bi-GRU and interaction.
- ``f^r`` serves as an extra positive in SCLA only; Eq. 21 adds no cross-entropy on it.
- Encoder heads and layers, ring rank, ``eta``, ``epsilon``, label-embedding size and dropout are not given
  (``configs/models/cascla.yaml`` marks them); the classifier is one linear layer on ``f_i`` (Eq. 22).
- Missing modalities: masked utterances are hidden from their modality's encoder keys and add nothing to the
  fusion; ``f_(t)`` is a positive only where the utterance has text.
"""

from __future__ import annotations

import torch
from torch import nn
from torch_geometric.data import Batch

from emoflow.models.base import (
    DataSpec,
    DialogueModel,
    ModelOutput,
    masked_cross_entropy,
    modality_masks,
)
from emoflow.models.cascla.causal_interaction import CausalInteraction
from emoflow.models.cascla.config import CaSCLAConfig
from emoflow.models.cascla.perturbed_gru import GateInputGRU, fgm_perturbation
from emoflow.models.cascla.scla_loss import LabelEmbedding, scla_loss
from emoflow.models.cascla.tensor_ring_fusion import NormalisedFusion, TensorRingAttention
from emoflow.models.graph_data import IGNORE_INDEX
from emoflow.models.layers.projection import MaskedProjection
from emoflow.models.layers.sequence import attend_within_dialogues
from emoflow.models.registry import register

WITHOUT_CLUES = "w/o causal-aware knowledge (no commonsense clue table: the interaction runs on the context alone)"


@register
class CaSCLA(DialogueModel):
    """Transformer encoders, tensor-ring balanced fusion, Bi-GRU, causal-aware interaction, CE + SCLA."""

    name = "cascla"
    Config = CaSCLAConfig

    def __init__(self, spec: DataSpec, config: CaSCLAConfig) -> None:
        super().__init__(spec, config)
        clue_dim = 0
        if config.clues:
            if "clues" not in spec.side_dims:
                raise ValueError(f"cascla: clues {config.clues!r} are configured but the data carries no clue table")
            clue_dim = spec.side_dims["clues"]
        d = config.model_dim
        self.project = MaskedProjection(spec.dims, d)
        self.encoders = nn.ModuleDict(
            {
                m: nn.TransformerEncoderLayer(
                    d, config.encoder_heads, config.feedforward, config.dropout, batch_first=True
                )
                for m in spec.dims
            }
        )  # Eq. 1
        self.balance = TensorRingAttention(self.modalities, d, config.rank, config.eta)  # Eqs. 2-5
        self.fusion = NormalisedFusion(self.modalities, d, config.hidden)  # Eq. 6
        self.context = GateInputGRU(config.hidden, config.hidden)  # Eq. 7
        width = self.context.out_dim
        self.interaction = CausalInteraction(width, clue_dim)  # Eqs. 8-9
        self.dropout = nn.Dropout(config.dropout)
        self.classifier = nn.Linear(width, spec.num_classes)  # Eq. 22
        self.labels = LabelEmbedding(spec.num_classes, config.label_dim, width, config.dropout)  # Eqs. 10-11

    @classmethod
    def side_inputs(cls, config: CaSCLAConfig) -> dict[str, str]:
        """The clue table, when ``clues`` names one."""
        return {"clues": config.clues} if config.clues else {}

    def variant(self) -> str | None:
        """Without clues this is the paper's "w/o causal-aware knowledge" model."""
        return None if self.config.clues else WITHOUT_CLUES

    def _causal(self, gates: torch.Tensor, batch: Batch, clues: torch.Tensor | None) -> torch.Tensor:
        """Bi-GRU from gate inputs, then the causal-aware interaction: ``f`` ``[N, 2 d_h]``."""
        return self.interaction(self.context.recur(gates, batch.batch), batch.speaker, batch.batch, clues)

    def forward(self, batch: Batch) -> ModelOutput:
        """Logits ``[N, C]``; ``f``, and while training ``f^r`` and ``f_(t)``, go to the SCLA loss."""
        masks = modality_masks(batch, self.modalities)
        encoded = {
            m: attend_within_dialogues(self.encoders[m], x, masks[m], batch.batch) * masks[m].unsqueeze(-1)
            for m, x in self.project(batch).items()
        }
        balanced = self.balance(encoded, masks)
        fused = self.fusion(balanced)
        clues = batch["x_clues"] * batch["mask_clues"].unsqueeze(-1) if self.config.clues else None
        gates = self.context.gate_inputs(fused)
        features = self._causal(gates, batch, clues)
        logits = self.classifier(self.dropout(features))
        auxiliary = {"features": features}
        if self.training and torch.is_grad_enabled() and self.config.scla:
            if self.config.adversarial:  # Eqs. 19-20: FGM on the gate and candidate inputs
                nll = masked_cross_entropy(logits, batch.y)
                perturbation = fgm_perturbation(nll, gates, self.config.epsilon) if nll.requires_grad else 0.0
                auxiliary["adversarial"] = self._causal(gates + perturbation, batch, clues)
            if self.config.text_positive and "text" in balanced:
                text = self.context.gate_inputs(self.fusion.term(balanced["text"], "text"))
                auxiliary["textual"] = self._causal(text, batch, clues)
                auxiliary["textual_present"] = masks["text"]
        return ModelOutput(logits, auxiliary=auxiliary)

    def loss(self, output: ModelOutput, y: torch.Tensor, class_weight: torch.Tensor | None = None) -> torch.Tensor:
        """Eq. 21: cross-entropy plus SCLA over the labelled utterances."""
        total = masked_cross_entropy(output.logits, y, output.loss_mask, class_weight)
        if not self.config.scla:
            return total
        labelled = y != IGNORE_INDEX
        if output.loss_mask is not None:
            labelled &= output.loss_mask
        augmented = []
        if "adversarial" in output.auxiliary:
            augmented.append(
                (output.auxiliary["adversarial"][labelled], torch.ones_like(y[labelled], dtype=torch.bool))
            )
        if "textual" in output.auxiliary:
            augmented.append((output.auxiliary["textual"][labelled], output.auxiliary["textual_present"][labelled]))
        scla = scla_loss(
            output.auxiliary["features"][labelled],
            y[labelled],
            self.labels(),
            augmented,
            alpha=self.config.alpha,
            beta=self.config.beta,
            gamma=self.config.gamma,
        )
        return total + scla
