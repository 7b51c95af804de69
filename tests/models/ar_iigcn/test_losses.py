"""AR-IIGCN's losses on hand-made tensors with known values: ICCL, IMCL, the hybrid mix, the GAN's."""

from __future__ import annotations

import pytest
import torch

from emoflow.models.ar_iigcn.losses import hybrid_loss, iccl_loss, imcl_loss
from emoflow.models.ar_iigcn.tri_modal_gan import TriModalGAN

SHARP = 20.0  # logits this far apart make the softmax-normalised embeddings one-hot


def one_hot_embeddings(labels: list[int], dim: int = 4, scale: float = SHARP) -> torch.Tensor:
    return torch.nn.functional.one_hot(torch.tensor(labels), dim).float() * scale


def test_iccl_is_minus_one_with_no_regulariser_cost_for_perfectly_separated_classes():
    labels = torch.tensor([0, 0, 1, 1])
    loss = iccl_loss(one_hot_embeddings([0, 0, 1, 1]), labels)
    # positives have similarity 1, negatives 0: ratio 1 for every anchor, pull-to-1 regulariser 0
    assert loss.item() == pytest.approx(-1.0, abs=1e-6)


def test_iccl_is_lower_for_well_separated_classes_than_for_mixed_ones():
    labels = torch.tensor([0, 0, 1, 1])
    separated = iccl_loss(one_hot_embeddings([0, 0, 1, 1]), labels)
    mixed = iccl_loss(one_hot_embeddings([0, 1, 0, 1]), labels)  # each class's members point different ways
    uniform = iccl_loss(torch.zeros(4, 4), labels)  # every similarity 1/4: 1 positive, 2 negatives: ratio 1/3
    assert separated < uniform < mixed
    assert uniform.item() == pytest.approx(-1 / 3 + (0.25 - 1) ** 2, abs=1e-6)
    assert mixed.item() == pytest.approx(0.0 + 1.0, abs=1e-6)  # positives at 0, negatives at 1: ratio 0, (0 - 1)^2


def test_iccl_skips_anchors_without_a_positive_and_is_zero_with_none():
    assert iccl_loss(one_hot_embeddings([0, 1, 2]), torch.tensor([0, 1, 2])).item() == 0.0
    lonely = iccl_loss(one_hot_embeddings([0, 0, 1]), torch.tensor([0, 0, 1]))
    assert lonely.item() == pytest.approx(-1.0, abs=1e-6)


def test_imcl_pulls_cross_modal_positives_to_the_margin_beta():
    labels = torch.tensor([0, 1])
    masks = {"text": torch.tensor([True, True]), "audio": torch.tensor([True, True])}
    aligned = {"text": one_hot_embeddings([0, 1]), "audio": one_hot_embeddings([0, 1])}
    # cross-modal same-class similarity 1, different-class 0: ratio 1; (1 - beta)^2 = 0.04 for beta 0.8
    assert imcl_loss(aligned, masks, labels, beta=0.8).item() == pytest.approx(-1.0 + 0.04, abs=1e-5)
    assert imcl_loss(aligned, masks, labels, beta=1.0).item() == pytest.approx(-1.0, abs=1e-5)
    crossed = {"text": one_hot_embeddings([0, 1]), "audio": one_hot_embeddings([1, 0])}
    assert imcl_loss(crossed, masks, labels, beta=0.8) > imcl_loss(aligned, masks, labels, beta=0.8)


def test_imcl_needs_two_modalities_and_ignores_missing_rows():
    labels = torch.tensor([0, 1])
    single = {"text": one_hot_embeddings([0, 1])}
    assert imcl_loss(single, {"text": torch.tensor([True, True])}, labels, beta=0.8).item() == 0.0
    masks = {"text": torch.tensor([True, True]), "audio": torch.tensor([True, False])}
    crossed_in_missing_row = {"text": one_hot_embeddings([0, 1]), "audio": one_hot_embeddings([0, 0])}
    # the audio row of utterance 1 is missing: its (wrong) embedding is no positive or negative of anyone
    assert imcl_loss(crossed_in_missing_row, masks, labels, beta=1.0).item() == pytest.approx(-1.0, abs=1e-5)


def test_hybrid_loss_is_the_lambda_mix_of_eq_16():
    assert hybrid_loss(torch.tensor(2.0), torch.tensor(4.0), 0.25).item() == pytest.approx(0.25 * 4 + 0.75 * 2)


def test_gan_losses_reward_the_discriminator_for_telling_and_the_generator_for_fooling():
    torch.manual_seed(0)
    gan = TriModalGAN(("text", "audio"), 4, 8)
    projected = {"text": torch.randn(6, 4), "audio": torch.randn(6, 4, requires_grad=True)}
    masks = {"text": torch.ones(6, dtype=torch.bool), "audio": torch.tensor([True] * 4 + [False] * 2)}
    d_loss = gan.discriminator_loss(projected, masks)
    d_loss.backward()
    assert projected["audio"].grad is None  # the discriminator's loss does not train the projections
    g_loss = gan.generator_loss(projected, masks)
    g_loss.backward()
    assert projected["audio"].grad.abs()[:4].sum() > 0 and projected["audio"].grad[4:].abs().sum() == 0
    # a discriminator that says "real" to everything: its loss is the fakes' term, the generators' loss ~0
    for d in gan.discriminators.values():
        torch.nn.init.zeros_(d[-1].weight)
        torch.nn.init.constant_(d[-1].bias, 30.0)
    assert gan.generator_loss(projected, masks).item() == pytest.approx(0.0, abs=1e-6)
    assert gan.discriminator_loss(projected, masks).item() > 50
    assert not TriModalGAN(("text",), 4, 8).active
