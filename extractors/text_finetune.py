"""Fine-tuning the text encoder on the train split's labels before extraction, as the MERC literature does.

Utterance-level classification: the pooled encoding (same inputs, context and pooling as extraction) through one
linear layer, cross-entropy, AdamW with a linear warmup over ``finetune_warmup`` of the steps and a linear decay
to 0 (as EmoBERTa and BERT fine-tune), a few epochs; the epoch with the best validation weighted F1 is kept.
The fine-tuned encoder is a cached stage of its own: saved with ``save_pretrained`` under
``<cache>/finetuned-<key>/``, where the key hashes the base model, the fine-tuning settings and every train/val
utterance's content hash and label. Unchanged data and settings reuse it; anything else trains a new one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch

from emoflow.core.device import seeded
from emoflow.extractors.base import UtteranceInput, WeightsError, batches
from emoflow.extractors.options.text_transformer import TextTransformerConfig
from emoflow.extractors.text_context import assemble, dialogue_windows, pad
from emoflow.extractors.text_encoding import load_text_model, pool_hidden
from emoflow.extractors.training import labelled_splits, train_classifier, training_key
from emoflow.storage.atomic import atomic_folder

REPORT_FILE = "finetune.json"


def finetune_key(config: TextTransformerConfig, rows: Sequence[UtteranceInput]) -> str:
    """Hash of what decides the fine-tuned weights: base model, settings, and the labelled train/val data."""
    settings = [
        config.model,
        config.pooling,
        config.layers,
        config.max_length,
        config.context_past,
        config.context_future,
        config.finetune_epochs,
        config.finetune_lr,
        config.finetune_warmup,
        config.finetune_batch_size,
        config.finetune_seed,
    ]
    return training_key(settings, rows)


def finetune_text_encoder(
    config: TextTransformerConfig,
    rows: Sequence[UtteranceInput],
    cache_dir: Path,
    *,
    device: str,
    progress: bool = True,
) -> tuple[Path, dict[str, Any]]:
    """The folder of the fine-tuned encoder (trained now, or found in the cache) and its training report."""
    key = finetune_key(config, rows)
    folder = cache_dir / f"finetuned-{key}"
    if (folder / REPORT_FILE).is_file():
        return finetuned_encoder(cache_dir, key)
    train_rows, val_rows, classes = labelled_splits(rows)
    tokenizer, encoder = load_text_model(config.model, config.revision)
    encoder.to(device)
    index = {c: i for i, c in enumerate(classes)}

    def make_batches(subset: list[UtteranceInput]) -> list[tuple[Any, torch.Tensor]]:
        windows = dialogue_windows(subset, config.context_past, config.context_future)  # within the subset
        inputs = assemble(tokenizer, windows, config.max_length, config.contextual)
        out = []
        for chunk in batches(list(range(len(subset))), config.finetune_batch_size):
            encoded = {k: v.to(device) for k, v in pad(tokenizer, [inputs[i] for i in chunk], config.pooling).items()}
            labels = torch.tensor([index[subset[i].label or ""] for i in chunk], device=device)
            out.append((encoded, labels))
        return out

    def logits_of(encoded: dict[str, torch.Tensor]) -> torch.Tensor:
        outputs = encoder(
            input_ids=encoded["input_ids"],
            attention_mask=encoded["attention_mask"],
            output_hidden_states=config.layers == "last4",
        )
        return head(pool_hidden(outputs, encoded["pool_mask"], config.pooling, config.layers))

    with seeded(config.finetune_seed):  # before the head's weights are drawn: reproducible in any store
        head = torch.nn.Linear(encoder.config.hidden_size, len(classes)).to(device)
        module = torch.nn.ModuleDict({"encoder": encoder, "head": head})
        training = train_classifier(
            module,
            logits_of,
            make_batches(train_rows),
            make_batches(val_rows),
            classes,
            epochs=config.finetune_epochs,
            lr=config.finetune_lr,
            weight_decay=0.01,
            seed=config.finetune_seed,
            warmup=config.finetune_warmup,
            progress=progress,
            desc=f"fine-tuning {config.model}",
        )
    report = {**training.as_dict(), "base_model": config.model, "train_utterances": len(train_rows), "key": key}
    with atomic_folder(folder) as partial:  # a folder without its report is an interrupted run
        encoder.cpu().save_pretrained(partial)  # safetensors
        tokenizer.save_pretrained(partial)
        (partial / REPORT_FILE).write_text(json.dumps(report, indent=2))
    return folder, {**report, "reused": False}


def finetuned_encoder(cache_dir: Path, key: str) -> tuple[Path, dict[str, Any]]:
    """The folder and report of the encoder fine-tuned under ``key``; a :class:`WeightsError` when it is absent."""
    folder = cache_dir / f"finetuned-{key}"
    if not (folder / REPORT_FILE).is_file():
        raise WeightsError(
            f"fine-tuned text encoder {key} is not among the store's trained stages ({cache_dir}): extract "
            "text_transformer with finetune_epochs on the dataset it was tuned on, in this store, first"
        )
    report: dict[str, Any] = json.loads((folder / REPORT_FILE).read_text())
    return folder, {**report, "key": key, "reused": True}
