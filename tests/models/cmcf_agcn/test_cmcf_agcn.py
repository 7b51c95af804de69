"""CMCF-AGCN's sentiment mapping and multi-task loss."""

from __future__ import annotations

import pytest
import torch
from model_inputs import DIMS, SMALL
from torch import nn

from emoflow.models.base import DataSpec
from emoflow.models.registry import create_model


def test_cmcf_agcn_maps_emotions_to_sentiments_and_weights_the_coarse_task_by_alpha(make_batch):
    spec = DataSpec(DIMS, 3, 2, classes=("joy", "neutral", "anger"))
    small = {k: v for k, v in SMALL["cmcf_agcn"].items() if k != "sentiment"}  # the default mapping
    model = create_model("cmcf_agcn", spec, **small).eval()
    assert model.coarse_of.tolist() == [2, 1, 0]  # positive, neutral, negative
    batch = make_batch(DIMS)
    output = model(batch)
    fine = nn.functional.cross_entropy(output.logits, batch.y)
    coarse = nn.functional.cross_entropy(output.auxiliary["coarse_logits"], torch.tensor([2, 1, 0])[batch.y])
    for alpha in (0.0, 0.7):
        weighted = create_model("cmcf_agcn", spec, **{**small, "alpha": alpha})
        torch.testing.assert_close(weighted.loss(output, batch.y), fine + alpha * coarse)
    with pytest.raises(ValueError, match=r"classes \['anger'\] have no sentiment"):
        create_model("cmcf_agcn", spec, sentiment={"joy": "positive", "neutral": "neutral"})
