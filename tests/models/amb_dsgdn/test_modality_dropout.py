"""Adaptive modality dropout (AMB-DSGDN §4.6) and differential graph attention (§4.5) on hand-made tensors."""

from __future__ import annotations

import math

import pytest
import torch
from sklearn.metrics import f1_score

from emoflow.models.amb_dsgdn.diff_graph_attention import DiffGraphAttention, lambda_init
from emoflow.models.amb_dsgdn.modality_dropout import (
    AdaptiveModalityDropout,
    ExpectationScale,
    batch_weighted_f1,
    dropout_probabilities,
)


def test_batch_weighted_f1_equals_sklearn():
    generator = torch.Generator().manual_seed(0)
    gold = torch.randint(0, 5, (200,), generator=generator)
    predicted = torch.where(torch.rand(200, generator=generator) < 0.6, gold, torch.randint(0, 5, (200,)))
    expected = f1_score(gold.numpy(), predicted.numpy(), average="weighted")
    assert batch_weighted_f1(predicted, gold, 5) == pytest.approx(expected, abs=1e-6)


def test_the_strongest_modality_is_dropped_most_and_equal_ones_get_q_base():
    q = dropout_probabilities({"text": 0.6, "audio": 0.3, "visual": 0.3}, q_base=0.3, lam=0.9)
    assert q["text"] > 0.3 and q["audio"] < q["text"]
    # text: ratios (1, 1) -> softmax(relu) (1/2, 1/2) -> mean ratio (1/2 + 1/2) / 2 = 0.5 -> 0.3 * (1 + 0.45)
    assert q["text"] == pytest.approx(0.3 * (1 + 0.9 * 0.5), rel=1e-4)
    # audio: ratios (0.3 / 0.6 - 1, 0) = (-0.5, 0) -> weights softmax(0, 0) -> mean (-0.25 + 0) / 2
    assert q["audio"] == pytest.approx(0.3 * (1 + 0.9 * -0.125), rel=1e-4)
    equal = dropout_probabilities({"text": 0.5, "audio": 0.5}, q_base=0.3, lam=0.9)
    assert equal == pytest.approx({"text": 0.3, "audio": 0.3}, rel=1e-4)
    assert dropout_probabilities({"text": 1.0, "audio": 0.0}, q_base=0.8, lam=0.9)["text"] == 1.0  # clipped


def test_expectation_scale_passes_no_gradient_to_theta():
    x = torch.ones(3, requires_grad=True)
    y = ExpectationScale.apply(x, 0.25)
    torch.testing.assert_close(y, torch.full((3,), 4 / 3))
    y.sum().backward()
    torch.testing.assert_close(x.grad, torch.full((3,), 4 / 3))


def test_dropout_waits_for_warm_up_and_masks_whole_dialogues():
    balance = AdaptiveModalityDropout(q_base=0.5, lam=0.0, p_exe=1.0, warmup_epochs=3)
    features = {"text": torch.ones(6, 4), "audio": torch.ones(6, 4)}
    graph = torch.tensor([0, 0, 0, 1, 1, 2])
    balance.train()
    balance.epoch = 3
    same, mask = balance(features, {"text": 0.5, "audio": 0.5}, graph, 3)
    assert same is features and mask is None
    balance.epoch = 4
    torch.manual_seed(0)
    for _ in range(20):
        dropped, mask = balance(features, {"text": 0.5, "audio": 0.5}, graph, 3)
        for values in dropped.values():
            assert set(values.unique().tolist()) <= {0.0, 2.0}  # kept rows scaled by 1 / (1 - 0.5)
            for d in range(3):  # a dialogue keeps or drops a modality as a whole
                assert values[graph == d].unique().numel() == 1
        nothing_left = (dropped["text"].sum(1) == 0) & (dropped["audio"].sum(1) == 0)
        assert torch.equal(mask, ~nothing_left)
    balance.eval()
    assert balance(features, {"text": 0.5, "audio": 0.5}, graph, 3)[1] is None


def test_lambda_init_follows_eq_14():
    assert lambda_init(1) == pytest.approx(0.8 - 0.6 * math.exp(-0.3))
    assert lambda_init(0) == pytest.approx(0.2)


def test_differential_attention_cancels_when_branches_agree():
    """alpha = alpha_pos - lambda_full alpha_neg: equal branches and lambda_full = 1 give zero attention."""
    head = DiffGraphAttention(4, 4, num_relations=5, relation_dim=2, depth=1)
    with torch.no_grad():
        head.project.weight[2:] = head.project.weight[:2]  # both branches see the same projection
        head.query[1].weight.copy_(head.query[0].weight)
        head.key[1].weight.copy_(head.key[0].weight)
        head.relation_score[1].weight.copy_(head.relation_score[0].weight)
        head.lambdas.zero_()  # exp(0) - exp(0) + lambda_init
        head.lambda_init = 1.0
    edge_index = torch.tensor([[0, 1, 2, 1], [0, 0, 1, 1]])  # into 0 from 0 and 1; into 1 from 2 and 1
    edge_type = torch.tensor([0, 4, 4, 0])
    x = torch.randn(3, 4)
    out, alpha = head(x, edge_index, edge_type)
    torch.testing.assert_close(alpha, torch.zeros(4))
    torch.testing.assert_close(out, torch.zeros(3, 4))


def test_differential_attention_aggregates_only_incoming_edges():
    head = DiffGraphAttention(4, 4, num_relations=5, relation_dim=2, depth=1)
    with torch.no_grad():
        head.lambdas.zero_()
        head.lambda_init = 0.0  # positive branch only: a softmax over incoming edges
    x = torch.randn(3, 4)
    out, alpha = head(x, torch.tensor([[1], [0]]), torch.tensor([4]))  # one edge 1 -> 0
    torch.testing.assert_close(alpha, torch.ones(1))
    torch.testing.assert_close(out[0], head.project(x)[1])
    torch.testing.assert_close(out[1:], torch.zeros(2, 4))
