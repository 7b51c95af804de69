"""CaSCLA's SCLA loss and soft-HGR similarity on hand-made tensors with known values."""

from __future__ import annotations

import math

import pytest
import torch

from emoflow.models.cascla.scla_loss import scla_loss, soft_hgr_similarity


def scla_parts(features, labels, z, **options):
    defaults = {"alpha": 2.0, "beta": 0.5, "gamma": 0.0}
    return scla_loss(features, labels, z, [], **{**defaults, **options})


def test_soft_hgr_similarity_matches_eq_12_by_hand():
    features = torch.tensor([[1.0, 0.0, 2.0], [0.0, 1.0, 1.0], [2.0, 1.0, 0.0]])
    z = torch.tensor([[1.0, 1.0, 0.0], [0.0, 2.0, 1.0]])  # label embeddings of classes 0 and 1
    batch_labels = z[torch.tensor([0, 1, 1])]
    sim = soft_hgr_similarity(features, z, features, batch_labels)

    def cov(a, b):
        return float(((a - a.mean()) * (b - b.mean())).sum() / (len(a) - 1))

    m = 3  # the covariance term is a batch average (/ (M - 1)); the inner product is not divided
    for i in range(m):
        for k in range(2):
            expected = float(features[i] @ z[k]) - 0.5 * sum(
                cov(features[i], features[j]) * cov(z[k], batch_labels[j]) for j in range(m)
            ) / (m - 1)
            assert sim[i, k].item() == pytest.approx(expected, abs=1e-5)


def test_soft_hgr_similarity_does_not_shrink_with_the_batch():
    # a batch of long dialogues holds hundreds of utterances: the same pairs must score the same
    features = torch.tensor([[2.0, 0.0, 1.0], [0.0, 2.0, 1.0]])
    z = torch.tensor([[2.0, 0.0, 0.0], [0.0, 2.0, 0.0]])
    short = soft_hgr_similarity(features, z, features.repeat(10, 1), z.repeat(10, 1))  # M = 20
    long = soft_hgr_similarity(features, z, features.repeat(300, 1), z.repeat(300, 1))  # M = 600
    assert torch.allclose(short, long, rtol=0.1)  # (M - 1) vs M: within 5% here; dividing f.z by M - 1 gave 30x
    assert long.diagonal().min() > long.max(1).values.min() - 1e-6  # each row still prefers its own class


def test_scla_positive_term_is_smaller_when_the_feature_aligns_with_its_label_embedding():
    z = torch.tensor([[3.0, 0.0, 0.0, 0.0], [0.0, 3.0, 0.0, 0.0]])
    labels = torch.tensor([0, 1, 0, 1])
    aligned = torch.tensor([[3.0, 0, 0, 0], [0, 3.0, 0, 0], [2.0, 0, 0, 0], [0, 2.0, 0, 0]])
    opposed = aligned[:, [1, 0, 2, 3]]  # each feature points at the other class's embedding
    assert scla_parts(aligned, labels, z) < scla_parts(opposed, labels, z)
    # alpha: the focal factor (1 - p)^alpha shrinks the loss of easy positives
    assert scla_parts(aligned, labels, z, alpha=4.0) < scla_parts(aligned, labels, z, alpha=0.0)


def test_scla_negative_and_class_frequency_terms():
    z = torch.tensor([[2.0, 0.0], [0.0, 2.0]])
    features = torch.tensor([[2.0, 0.0], [2.0, 0.0], [0.0, 2.0]])
    labels = torch.tensor([0, 0, 1])
    # gamma weights each sample by (M / n_y)^gamma (the lone class-1 sample 3, the others 1.5), scaled to mean 1:
    # equal per-sample losses give the unweighted value, a poorly placed rare sample weighs more
    flat, weighted = scla_parts(features, labels, z, gamma=0.0), scla_parts(features, labels, z, gamma=1.0)
    assert weighted.item() == pytest.approx(flat.item(), abs=1e-5)
    misplaced = torch.tensor([[2.0, 0.0], [2.0, 0.0], [2.0, 0.0]])  # the class-1 sample sits on class 0
    assert scla_parts(misplaced, labels, z, gamma=1.0) > scla_parts(misplaced, labels, z, gamma=0.0)
    one_sample = scla_parts(features[:1], labels[:1], z, gamma=1.0)
    assert math.isfinite(one_sample.item())


def test_scla_extra_positives_enter_the_denominator_and_the_sum():
    z = torch.tensor([[2.0, 0.0], [0.0, 2.0]])
    features = torch.tensor([[2.0, 0.0], [0.0, 2.0], [1.0, 0.0]])
    labels = torch.tensor([0, 1, 0])
    present = torch.tensor([True, True, False])
    base = scla_loss(features, labels, z, [], alpha=2.0, beta=0.5, gamma=0.0)
    masked_out = scla_loss(
        features, labels, z, [(features * 0, torch.zeros(3, dtype=torch.bool))], alpha=2.0, beta=0.5, gamma=0.0
    )
    assert masked_out.item() == pytest.approx(base.item(), abs=1e-6)  # absent positives change nothing
    with_positive = scla_loss(features, labels, z, [(features, present)], alpha=2.0, beta=0.5, gamma=0.0)
    assert with_positive != base
