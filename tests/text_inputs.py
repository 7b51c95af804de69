"""Utterance rows for the text extractor tests, and a tokenizer to build small real checkpoints with (no hub)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from emoflow.extractors.base import UtteranceInput

LINES = [
    ("d1", "Ana", "I can't believe you did that!", "anger", "train"),
    ("d1", "Ben", "I'm sorry, it was an accident.", "sadness", "train"),
    ("d1", "Ana", "Oh well, never mind, it's fine.", "neutral", "train"),
    ("d2", "Ben", "We won the match!", "joy", "train"),
    ("d2", "Ana", "That is fantastic news!", "joy", "train"),
    ("d2", "Ben", "Go away, I hate this.", "anger", "train"),
    ("d3", "Ana", "What a lovely day.", "joy", "val"),
    ("d3", "Ben", "Leave me alone!", "anger", "val"),
]


def rows(lines=LINES) -> list[UtteranceInput]:
    """One :class:`UtteranceInput` per line, turns counted per dialogue."""
    out, turns = [], {}
    for i, (dialogue, speaker, text, label, split) in enumerate(lines):
        turn = turns[dialogue] = turns.get(dialogue, -1) + 1
        out.append(
            UtteranceInput(f"u{i}", dialogue, turn, speaker, text, label, split, None, None, None, None, f"h{i}")
        )
    return out


def tiny_tokenizer(folder: Path, texts: Sequence[str]) -> Any:
    """A RoBERTa-style byte-level BPE tokenizer trained on ``texts`` (with ``<mask>``), saved into ``folder``."""
    from tokenizers import ByteLevelBPETokenizer
    from tokenizers.processors import RobertaProcessing
    from transformers import RobertaTokenizerFast

    specials = {
        "bos_token": "<s>",
        "pad_token": "<pad>",
        "eos_token": "</s>",
        "unk_token": "<unk>",
        "mask_token": "<mask>",
        "cls_token": "<s>",
        "sep_token": "</s>",
    }
    trainer = ByteLevelBPETokenizer()
    trainer.train_from_iterator(
        list(texts) * 20, vocab_size=300, min_frequency=1, special_tokens=["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    )
    trainer._tokenizer.post_processor = RobertaProcessing(("</s>", 2), ("<s>", 0))
    tokenizer = RobertaTokenizerFast(tokenizer_object=trainer._tokenizer, **specials)
    tokenizer.save_pretrained(folder)
    return tokenizer
