"""The fine-tuning schedule: linear warmup, then linear decay to zero."""

from __future__ import annotations

import itertools

import pytest
import torch

from emoflow.extractors.training import linear_warmup_decay


def test_learning_rate_rises_over_the_warmup_then_decays_to_zero():
    optimizer = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    schedule = linear_warmup_decay(optimizer, steps=20, warmup=0.1)
    rates = []
    for _ in range(20):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        schedule.step()
    assert rates[:2] == pytest.approx([0.5, 1.0])  # two warmup steps
    assert all(a > b for a, b in itertools.pairwise(rates[1:]))  # then strictly falling
    assert rates[-1] == pytest.approx(1 / 19) and optimizer.param_groups[0]["lr"] == 0.0
