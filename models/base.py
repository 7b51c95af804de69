"""What every dialogue model shares: the data it is sized by, its output, the masked projection and the loss.

A model is one file holding a frozen ``Config`` dataclass and a :class:`DialogueModel` subclass registered by
name (:mod:`models.registry`). It is built from a :class:`DataSpec` (feature dimensions of the chosen
modalities, number of classes, most speakers in a dialogue: all read from the data) and its config, takes a PyG
batch of dialogue graphs (:mod:`models.graph_data`) and returns a :class:`ModelOutput`.

Every model standardises its inputs with per-modality statistics of the training split
(:meth:`DialogueModel.set_feature_statistics`), kept as buffers so that the checkpoint carries them: raw
openSMILE functionals, for one, span several orders of magnitude.
"""

from __future__ import annotations

import copy
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar

import torch
from torch import nn
from torch_geometric.data import Batch, Data

from emoflow.models.graph_data import IGNORE_INDEX
from emoflow.storage.schema import MODALITIES


@dataclass(frozen=True)
class DataSpec:
    """What a model takes from the data: ``dims`` (modality -> feature size), classes, speakers per dialogue.

    ``classes`` are the label names (``"0"``, ``"1"``, ... when not given); ``side_dims`` the sizes of the side
    inputs the model asked for (:meth:`DialogueModel.side_inputs`), e.g. commonsense clue vectors.
    """

    dims: dict[str, int]
    num_classes: int
    num_speakers: int = 2
    classes: tuple[str, ...] = ()
    side_dims: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.dims:
            raise ValueError("a model needs at least one modality")
        unknown = sorted(set(self.dims) - set(MODALITIES))
        if unknown:
            raise ValueError(f"unknown modalities {unknown}; valid modalities: {', '.join(MODALITIES)}")
        if self.num_classes < 2:
            raise ValueError(f"a classifier needs at least 2 classes, got {self.num_classes}")
        if not self.classes:
            object.__setattr__(self, "classes", tuple(str(i) for i in range(self.num_classes)))
        if len(self.classes) != self.num_classes:
            raise ValueError(f"{len(self.classes)} class names for {self.num_classes} classes")

    @property
    def modalities(self) -> tuple[str, ...]:
        """The modalities, in the store's order."""
        return tuple(m for m in MODALITIES if m in self.dims)


@dataclass
class ModelOutput:
    """What a model returns for a batch.

    ``logits`` ``[N, C]`` fused; ``unimodal`` per-modality logits for auxiliary losses; ``loss_mask`` ``[N]``
    False for nodes the loss must skip this step (e.g. after modality dropout removed all their inputs);
    ``auxiliary`` whatever else the model's own :meth:`DialogueModel.loss` reads (node embeddings for contrastive
    terms, coarse-task logits).
    """

    logits: torch.Tensor
    unimodal: dict[str, torch.Tensor] = field(default_factory=dict)
    loss_mask: torch.Tensor | None = None
    auxiliary: dict[str, torch.Tensor] = field(default_factory=dict)


class DialogueModel(nn.Module, ABC):
    """Base class: stores the spec and config; subclasses build layers and implement :meth:`forward`."""

    name: ClassVar[str]
    Config: ClassVar[type]

    def __init__(self, spec: DataSpec, config: Any) -> None:
        super().__init__()
        self.spec = spec
        self.config = config
        for modality, dim in spec.dims.items():
            self.register_buffer(f"mean_{modality}", torch.zeros(dim))
            self.register_buffer(f"scale_{modality}", torch.ones(dim))
        self.register_forward_pre_hook(_standardize)

    def set_feature_statistics(self, graphs: Sequence[Data]) -> None:
        """Mean and standard deviation of each modality's present features in ``graphs`` (the train split)."""
        for modality in self.modalities:
            present = torch.cat([g[f"x_{modality}"][g[f"mask_{modality}"]] for g in graphs])
            if len(present) > 1:
                getattr(self, f"mean_{modality}").copy_(present.mean(0))
                std = present.std(0)
                getattr(self, f"scale_{modality}").copy_(torch.where(std > 1e-6, std, torch.ones_like(std)))

    @property
    def modalities(self) -> tuple[str, ...]:
        """The modalities the model reads."""
        return self.spec.modalities

    def standardize(self, batch: Batch) -> Batch:
        """A shallow copy of ``batch`` with standardised features (missing rows stay zero); forward does this."""
        return _standardize(self, (batch,))[0]

    def config_dict(self) -> dict[str, Any]:
        """The resolved config, as written next to every run."""
        return asdict(self.config)

    def start_epoch(self, epoch: int) -> None:
        """Called by the trainer before each training epoch (1-based); schedules hook in here."""

    def pretrain(
        self, loader: Iterable[Batch], device: torch.device, *, progress: bool = False
    ) -> list[dict[str, float]]:
        """A training phase with its own objective before the supervised epochs; returns one record per epoch.

        Most models have none. AR-IIGCN trains its tri-modal GAN here (Algorithm 1, lines 3-11).
        """
        return []

    @classmethod
    def side_inputs(cls, config: Any) -> dict[str, str]:
        """Feature tables besides the modalities that ``config`` asks for: input name -> extractor id.

        Each arrives in the batch as ``x_<name>`` / ``mask_<name>`` (CaSCLA's commonsense clues).
        """
        return {}

    def variant(self) -> str | None:
        """A note the run's config and report carry when the model runs as a named ablation of its paper."""
        return None

    @abstractmethod
    def forward(self, batch: Batch) -> ModelOutput:
        """Logits for every node of ``batch``."""

    def loss(self, output: ModelOutput, y: torch.Tensor, class_weight: torch.Tensor | None = None) -> torch.Tensor:
        """Cross-entropy of the fused logits over labelled nodes (and ``loss_mask``)."""
        return masked_cross_entropy(output.logits, y, output.loss_mask, class_weight)


def _standardize(model: DialogueModel, args: tuple[Any, ...]) -> tuple[Batch]:
    """Forward pre-hook: a shallow copy of the batch with standardised features (missing rows stay zero)."""
    (batch,) = args
    batch = copy.copy(batch)
    for modality in model.modalities:
        mean, scale = getattr(model, f"mean_{modality}"), getattr(model, f"scale_{modality}")
        mask = batch[f"mask_{modality}"].unsqueeze(-1)
        batch[f"x_{modality}"] = (batch[f"x_{modality}"] - mean) / scale * mask
    return (batch,)


def masked_cross_entropy(
    logits: torch.Tensor, y: torch.Tensor, mask: torch.Tensor | None = None, class_weight: torch.Tensor | None = None
) -> torch.Tensor:
    """Mean cross-entropy over nodes with a label and ``mask`` True; zero (with a graph) when there is none."""
    if mask is not None:
        y = torch.where(mask, y, torch.full_like(y, IGNORE_INDEX))
    if not (y != IGNORE_INDEX).any():
        return logits.sum() * 0.0
    return nn.functional.cross_entropy(logits.float(), y, weight=class_weight, ignore_index=IGNORE_INDEX)


def modality_masks(batch: Batch, modalities: tuple[str, ...]) -> dict[str, torch.Tensor]:
    """``mask_<m>`` of each modality: True where the utterance has that feature."""
    return {m: batch[f"mask_{m}"] for m in modalities}
