"""The context-aware encoder input: windows of the dialogue, the template, truncation that keeps the target whole."""

from __future__ import annotations

import pytest
from text_inputs import rows

from emoflow.extractors.text_context import Window, assemble, dialogue_windows, pad


class WordTokenizer:
    """One token per word (ids from a growing vocabulary), BERT-style specials: enough to count what is kept."""

    cls_token_id, sep_token_id, pad_token_id, bos_token_id, eos_token_id = 101, 102, 0, None, None

    def __init__(self) -> None:
        self.vocabulary: dict[str, int] = {}

    def __call__(self, texts, add_special_tokens=False):
        assert add_special_tokens is False
        return {
            "input_ids": [
                [self.vocabulary.setdefault(w, 1000 + len(self.vocabulary)) for w in t.split()] for t in texts
            ]
        }

    def words(self, ids):
        names = {v: k for k, v in self.vocabulary.items()} | {101: "<cls>", 102: "<sep>"}
        return " ".join(names[i] for i in ids)


def test_windows_hold_past_and_future_turns_with_speakers_within_the_dialogue():
    windows = dialogue_windows(rows(), past=2, future=1)
    assert windows[2] == Window(
        ("Ana: I can't believe you did that!", "Ben: I'm sorry, it was an accident."),
        "Ana: Oh well, never mind, it's fine.",
        (),  # the last turn of d1: no future
    )
    assert windows[3].past == () and windows[3].future == ("Ana: That is fantastic news!",)  # d2 starts afresh
    assert dialogue_windows(rows(), 0, 0)[0] == Window((), "I can't believe you did that!", ())  # bare text


def test_rows_out_of_order_get_the_same_windows():
    shuffled = rows()[::-1]
    assert dialogue_windows(shuffled, 1, 1)[::-1] == dialogue_windows(rows(), 1, 1)


def test_template_marks_the_target_between_separators():
    tokenizer = WordTokenizer()
    window = Window(("A: one two", "B: three"), "A: target words", ("B: after",))
    (encoded,) = assemble(tokenizer, [window], max_length=64, contextual=True)
    assert tokenizer.words(encoded.ids) == "<cls> A: one two B: three <sep> A: target words <sep> B: after"
    assert tokenizer.words(encoded.ids[encoded.start : encoded.end]) == "A: target words"
    assert not encoded.truncated
    (bare,) = assemble(tokenizer, [Window((), "just this", ())], max_length=64, contextual=False)
    assert tokenizer.words(bare.ids) == "<cls> just this <sep>"


def test_truncation_keeps_the_target_whole_and_the_context_nearest_first_and_contiguous():
    tokenizer = WordTokenizer()
    window = Window(("p3 x x x x x", "p2 x", "p1 x"), "t t t t", ("f1 x", "f2 x x x x x x", "f3 x"))
    # 3 specials + 4 target tokens = 7; a budget of 14 leaves 7 for context: p1 (2), f1 (2), p2 (2), then f2 (7)
    # and p3 (6) do not fit, and f3 is beyond f2, so it is not taken either
    (encoded,) = assemble(tokenizer, [window], max_length=14, contextual=True)
    assert tokenizer.words(encoded.ids) == "<cls> p2 x p1 x <sep> t t t t <sep> f1 x"
    assert len(encoded.ids) <= 14 and not encoded.truncated
    (tight,) = assemble(tokenizer, [window], max_length=7, contextual=True)
    assert tokenizer.words(tight.ids) == "<cls> <sep> t t t t <sep>"  # no room for context, the target whole
    (cut,) = assemble(tokenizer, [window], max_length=5, contextual=True)
    assert cut.truncated and tokenizer.words(cut.ids) == "<cls> <sep> t t <sep>"  # only a too-long target is cut


@pytest.mark.parametrize(("pooling", "contextual"), [("mean", True), ("mean", False), ("cls", True)])
def test_pool_mask_covers_the_target_in_context_and_the_whole_input_otherwise(pooling, contextual):
    tokenizer = WordTokenizer()
    windows = dialogue_windows(rows(), 1, 1) if contextual else dialogue_windows(rows(), 0, 0)
    inputs = assemble(tokenizer, windows[:3], max_length=64, contextual=contextual)
    batch = pad(tokenizer, inputs, pooling)
    for row, item in enumerate(inputs):
        assert batch["attention_mask"][row].sum() == len(item.ids)
        expected = item.end - item.start if pooling == "mean" and contextual else len(item.ids)
        assert batch["pool_mask"][row].sum() == expected
    assert batch["input_ids"].shape == (3, max(len(i.ids) for i in inputs))
