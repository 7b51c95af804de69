"""Modality dropout while training: every model learns to classify from each modality it is given alone.

Where one modality carries the emotion and another carries none (acted corpora, whose sentences are spoken in
every emotion), a fused model can lean on the uninformative one and score below the informative one alone.
Dropping whole modalities per utterance during training (as AMB-DSGDN §4.5 does inside its own model, and
multimodal transformers commonly do) forces each modality's path to carry the decision on its own. Each present
modality of each utterance is dropped with probability ``p``; an utterance never loses all of them. A dropped
modality looks exactly like a missing one (zero features, mask False), which every model already handles.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

import torch
from torch_geometric.data import Batch


def drop_modalities(batch: Batch, modalities: Sequence[str], p: float, generator: torch.Generator) -> Batch:
    """A shallow copy of ``batch`` with modalities dropped per utterance (``p`` = 0 or one modality: unchanged)."""
    if p <= 0 or len(modalities) < 2:
        return batch
    present = torch.stack([batch[f"mask_{m}"].bool().cpu() for m in modalities], dim=1)  # [N, M]
    drop = (torch.rand(present.shape, generator=generator) < p) & present
    emptied = ~(present & ~drop).any(dim=1)
    drop[emptied] = False  # rather all of an utterance's modalities than none
    batch = copy.copy(batch)
    for i, modality in enumerate(modalities):
        keep = (present[:, i] & ~drop[:, i]).to(batch[f"mask_{modality}"].device)
        batch[f"mask_{modality}"] = keep.to(batch[f"mask_{modality}"].dtype)
        batch[f"x_{modality}"] = batch[f"x_{modality}"] * keep.unsqueeze(-1).to(batch[f"x_{modality}"].dtype)
    return batch
