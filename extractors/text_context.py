"""An utterance with its dialogue around it, as one encoder input (context-aware utterance encoding).

Dialogue context is worth points a context-free encoding cannot recover: EmoBERTa (Kim and Vossen, 2021) puts
the past and future turns, with speaker names, into RoBERTa's input and classifies the target. emoflow encodes
each utterance the same way, for fine-tuning and for extraction.

Template, for target turn ``i`` of a dialogue with ``past`` turns before and ``future`` turns after it::

    <cls> S(i-p): u(i-p) ... S(i-1): u(i-1) <sep> S(i): u(i) <sep> S(i+1): u(i+1) ... S(i+f): u(i+f) <sep>

``<cls>`` / ``<sep>`` are the tokenizer's own (``[CLS]``/``[SEP]`` for BERT and MiniLM, ``<s>``/``</s>`` for
RoBERTa and mpnet); the target is the span between the two separators, with its speaker's name. Without context
(``past = future = 0``) the input is ``<cls> u(i) <sep>``, exactly what the tokenizer makes of the bare text.

Truncation keeps the target whole: context turns are added nearest first, alternating past and future, while
they fit in ``max_length`` tokens; a turn that does not fit closes its side, so the context stays contiguous.
Only a target longer than ``max_length`` on its own is cut, and counted as truncated.

Pooling: ``cls`` takes the first token; ``mean`` averages the target's tokens only (their states have read the
context), or the whole input without context, as sentence encoders are trained.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from emoflow.extractors.base import UtteranceInput


@dataclass(frozen=True)
class Window:
    """The turns around one target: ``past`` oldest first, ``future`` nearest first."""

    past: tuple[str, ...]
    target: str
    future: tuple[str, ...]


@dataclass(frozen=True)
class EncoderInput:
    """Token ids of one assembled input; the target is ``ids[start:end]``; ``contextual``: made with context."""

    ids: tuple[int, ...]
    start: int
    end: int
    truncated: bool
    contextual: bool


def dialogue_windows(rows: Sequence[UtteranceInput], past: int, future: int) -> list[Window]:
    """One :class:`Window` per row, in row order; context comes from the rows of the same dialogue."""
    if past == 0 and future == 0:
        return [Window((), (r.text or "").strip(), ()) for r in rows]
    by_dialogue: dict[str, list[UtteranceInput]] = defaultdict(list)
    for row in rows:
        by_dialogue[row.dialogue_id].append(row)
    position: dict[str, tuple[list[str], int]] = {}
    for turns in by_dialogue.values():
        turns.sort(key=lambda r: r.turn)
        spoken = [f"{r.speaker}: {(r.text or '').strip()}" for r in turns]
        for i, row in enumerate(turns):
            position[row.utterance_id] = (spoken, i)
    windows = []
    for row in rows:
        spoken, i = position[row.utterance_id]
        windows.append(Window(tuple(spoken[max(0, i - past) : i]), spoken[i], tuple(spoken[i + 1 : i + 1 + future])))
    return windows


def special_ids(tokenizer: Any) -> tuple[int, int]:
    """The tokenizer's (start, separator) ids: ``[CLS]``/``[SEP]`` or ``<s>``/``</s>``."""
    start = tokenizer.cls_token_id if tokenizer.cls_token_id is not None else tokenizer.bos_token_id
    separator = tokenizer.sep_token_id if tokenizer.sep_token_id is not None else tokenizer.eos_token_id
    if start is None or separator is None:
        raise ValueError(f"the tokenizer {type(tokenizer).__name__} has no start or separator token")
    return int(start), int(separator)


def assemble(tokenizer: Any, windows: Sequence[Window], max_length: int, contextual: bool) -> list[EncoderInput]:
    """The template above for every window, within ``max_length`` tokens, the target kept whole.

    ``contextual``: the windows were cut with context (even where a turn has none around it, its input keeps
    the separators that mark the target); otherwise the input is the bare utterance.
    """
    texts = sorted({t for w in windows for t in (*w.past, w.target, *w.future)})
    pieces = dict(zip(texts, tokenizer(texts, add_special_tokens=False)["input_ids"], strict=True))
    start, separator = special_ids(tokenizer)
    inputs = []
    for window in windows:
        target = pieces[window.target]
        if not contextual:
            body = target[: max_length - 2]
            inputs.append(EncoderInput((start, *body, separator), 1, 1 + len(body), len(body) < len(target), False))
            continue
        budget = max_length - 3  # <cls>, and the separators on both sides of the target
        body = target[:budget]
        budget -= len(body)
        before: list[list[int]] = []
        after: list[list[int]] = []
        sides = {"past": list(reversed(window.past)), "future": list(window.future)}
        while any(sides.values()):
            for side, kept in (("past", before), ("future", after)):
                if sides[side]:
                    turn = pieces[sides[side][0]]
                    if len(turn) <= budget:
                        kept.append(turn)
                        budget -= len(turn)
                        sides[side].pop(0)
                    else:
                        sides[side] = []  # the context stays contiguous: nothing beyond a turn that did not fit
        context = [token for turn in reversed(before) for token in turn]
        following = [token for turn in after for token in turn]
        ids = (start, *context, separator, *body, separator, *following)
        at = len(context) + 2
        inputs.append(EncoderInput(ids, at, at + len(body), len(body) < len(target), True))
    return inputs


def pad(tokenizer: Any, inputs: Sequence[EncoderInput], pooling: str) -> dict[str, Any]:
    """Tensors for one batch: ``input_ids``, ``attention_mask``, and ``pool_mask`` (the tokens ``mean`` averages)."""
    import torch

    width = max(len(i.ids) for i in inputs)
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    ids = torch.full((len(inputs), width), pad_id, dtype=torch.long)
    attention = torch.zeros((len(inputs), width), dtype=torch.long)
    pool = torch.zeros((len(inputs), width), dtype=torch.long)
    for row, item in enumerate(inputs):
        ids[row, : len(item.ids)] = torch.tensor(item.ids)
        attention[row, : len(item.ids)] = 1
        if pooling == "mean" and item.contextual:
            pool[row, item.start : item.end] = 1
        else:
            pool[row, : len(item.ids)] = 1
    return {"input_ids": ids, "attention_mask": attention, "pool_mask": pool}
