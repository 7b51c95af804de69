"""Commonsense clue vectors from a COMET checkpoint: CaSCLA's causal clues (Guan et al., ICIC 2025, §3.2).

For each utterance and each of six ATOMIC relations the utterance text, a mask token and the relation are
encoded together (``u_i [MASK] oReact``) and the last encoder layer's hidden state at the mask token is the
relation's clue. The six clues are stored side by side in one vector, intra-cause relations first
(xReact, xEffect, xWant, then oReact, oEffect, oWant), which is the layout :mod:`models.cascla.causal_interaction`
reads. CaSCLA uses the table when its ``clues`` option names this extractor's id.

COMET weights are not on PyPI: give a local checkpoint folder (a seq2seq COMET such as COMET-ATOMIC-2020 BART,
or any encoder; ``transformers`` loads it) as ``model``. Without one the extractor stops with a message saying
so, and CaSCLA runs as its paper's "w/o causal-aware knowledge" ablation.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from emoflow.core.device import resolve_device
from emoflow.extractors.base import (
    Extraction,
    Extractor,
    UtteranceInput,
    WeightsError,
    batches,
)
from emoflow.extractors.options.comet_clues import CometCluesConfig
from emoflow.extractors.registry import register
from emoflow.extractors.text_encoding import load_text_model, resolve_model_source
from emoflow.extractors.weights_identity import weights_identity

RELATIONS = ("xReact", "xEffect", "xWant", "oReact", "oEffect", "oWant")
"""Intra-cause relations (the speaker's own), then inter-cause relations (effects on others), §3.2."""


def clue_inputs(rows: Sequence[UtteranceInput], template: str, mask: str) -> list[str]:
    """Six texts per utterance, relation-major within the utterance (the order of :data:`RELATIONS`)."""
    return [
        template.format(utterance=(row.text or "").strip(), mask=mask, relation=relation)
        for row in rows
        for relation in RELATIONS
    ]


def mask_states(hidden: Any, input_ids: Any, attention_mask: Any, mask_id: int | None) -> Any:
    """The hidden state at each sequence's mask token (the mean over its tokens where truncation lost it)."""
    import torch

    weights = attention_mask.to(hidden.dtype)
    if mask_id is not None:
        at_mask = (input_ids == mask_id).to(hidden.dtype)
        weights = torch.where(at_mask.sum(1, keepdim=True) > 0, at_mask, weights)
    return (hidden * weights.unsqueeze(-1)).sum(1) / weights.sum(1, keepdim=True).clamp(min=1.0)


@register
class CometClues(Extractor):
    """Six COMET relation clues per utterance, side by side: ``[6 * hidden]``."""

    name = "comet_clues"
    modality = "text"
    Config = CometCluesConfig

    def extract(self, rows: Sequence[UtteranceInput], *, cache_dir: Path, progress: bool = True) -> Extraction:
        """Encode the six relation inputs of every row and keep the mask token's last-layer state."""
        import torch

        config: CometCluesConfig = self.config
        if not config.model:
            raise WeightsError(
                "comet_clues needs a COMET checkpoint: set model=<folder> (e.g. --extractor-set "
                "model=/models/comet-atomic-2020-bart); without clues CaSCLA runs as its paper's 'w/o causal-aware "
                "knowledge' ablation"
            )
        tokenizer, network = load_text_model(config.model)
        encoder = network.get_encoder() if hasattr(network, "get_encoder") else network
        device = resolve_device(config.device)
        encoder.to(device).eval()
        mask = tokenizer.mask_token or "[MASK]"
        texts = clue_inputs(rows, config.template, mask)
        states: list[np.ndarray] = []
        with torch.inference_mode():
            for chunk in tqdm(
                batches(texts, config.batch_size), desc=f"clues {self.extractor_id}", disable=not progress
            ):
                encoded = tokenizer(
                    list(chunk), truncation=True, max_length=config.max_length, padding=True, return_tensors="pt"
                ).to(device)
                hidden = encoder(input_ids=encoded["input_ids"], attention_mask=encoded["attention_mask"])[0]
                pooled = mask_states(hidden, encoded["input_ids"], encoded["attention_mask"], tokenizer.mask_token_id)
                states.append(pooled.float().cpu().numpy())
        width = states[0].shape[1] if states else 0
        vectors = np.concatenate(states).reshape(len(rows), len(RELATIONS) * width) if states else np.zeros((0, 6))
        details = {
            "model": config.model,
            "relations": list(RELATIONS),
            "relation_dim": width,
            **weights_identity(resolve_model_source(config.model)),
        }
        return Extraction([r.utterance_id for r in rows], vectors.astype(np.float32), details=details)
