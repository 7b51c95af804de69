"""A CUDA out-of-memory error is tried once more with half the batch."""

from __future__ import annotations

import pytest
import torch

from emoflow.core.out_of_memory import halve_batch_on_oom


def needs_at_most(limit: int, tried: list[int]):
    def attempt(batch_size: int) -> str:
        tried.append(batch_size)
        if batch_size > limit:
            raise torch.cuda.OutOfMemoryError(f"CUDA out of memory at {batch_size}")
        return f"ran at {batch_size}"

    return attempt


def test_out_of_memory_is_tried_once_more_with_half_the_batch(caplog):
    tried: list[int] = []
    assert halve_batch_on_oom(needs_at_most(16, tried), 32, "text part-00000") == "ran at 16"
    assert tried == [32, 16] and "text part-00000: CUDA out of memory at batch size 32" in caplog.text


def test_a_second_out_of_memory_and_other_errors_are_raised():
    tried: list[int] = []
    with pytest.raises(torch.cuda.OutOfMemoryError):
        halve_batch_on_oom(needs_at_most(4, tried), 32, "training")
    assert tried == [32, 16]
    with pytest.raises(torch.cuda.OutOfMemoryError):
        halve_batch_on_oom(needs_at_most(0, []), 1, "batch of one")

    def broken(batch_size: int) -> None:
        raise ValueError("not a memory problem")

    with pytest.raises(ValueError):
        halve_batch_on_oom(broken, 32, "x")
