"""CaSCLA's building blocks against what the paper says: gate-input GRU, FGM, causal interaction, tensor ring."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from emoflow.models.cascla.causal_interaction import CausalInteraction
from emoflow.models.cascla.perturbed_gru import GateInputGRU, fgm_perturbation
from emoflow.models.cascla.tensor_ring_fusion import NormalisedFusion, TensorRingAttention


def test_gate_input_gru_is_a_bidirectional_gru():
    """With the same weights, its output equals nn.GRU's; only the gate projections (and b_hh, W_hh) are learned."""
    torch.manual_seed(0)
    ours = GateInputGRU(5, 3)
    reference = nn.GRU(5, 3, bidirectional=True, batch_first=True)
    with torch.no_grad():
        w_forward, w_backward = ours.gates.weight[:9], ours.gates.weight[9:]
        b_forward, b_backward = ours.gates.bias[:9], ours.gates.bias[9:]
        reference.weight_ih_l0.copy_(w_forward)
        reference.weight_ih_l0_reverse.copy_(w_backward)
        reference.bias_ih_l0.copy_(b_forward)
        reference.bias_ih_l0_reverse.copy_(b_backward)
        for name in ("weight_hh_l0", "weight_hh_l0_reverse", "bias_hh_l0", "bias_hh_l0_reverse"):
            getattr(reference, name).copy_(getattr(ours.rnn, name))
    x = torch.randn(7, 5)
    batch = torch.tensor([0, 0, 0, 1, 1, 1, 1])
    expected = torch.cat([reference(x[:3].unsqueeze(0))[0][0], reference(x[3:].unsqueeze(0))[0][0]])
    torch.testing.assert_close(ours(x, batch), expected, rtol=1e-5, atol=1e-5)
    frozen = {n for n, p in ours.named_parameters() if not p.requires_grad}
    assert frozen == {"rnn.weight_ih_l0", "rnn.weight_ih_l0_reverse", "rnn.bias_ih_l0", "rnn.bias_ih_l0_reverse"}


def test_fgm_perturbation_has_norm_epsilon_per_row_and_raises_the_loss():
    torch.manual_seed(0)
    inputs = torch.randn(4, 6, requires_grad=True)
    head = nn.Linear(6, 3)
    y = torch.tensor([0, 1, 2, 0])
    loss = nn.functional.cross_entropy(head(inputs), y)
    r = fgm_perturbation(loss, inputs, epsilon=0.5)
    assert not r.requires_grad
    torch.testing.assert_close(r.norm(dim=-1), torch.full((4,), 0.5))
    assert nn.functional.cross_entropy(head(inputs + r), y) > loss


def test_causal_interaction_reads_only_earlier_turns_and_the_clues_when_given():
    torch.manual_seed(0)
    interaction = CausalInteraction(8, clue_dim=6).eval()
    h = torch.randn(5, 8)
    speaker = torch.tensor([0, 1, 0, 1, 0])
    batch = torch.zeros(5, dtype=torch.long)
    clues = torch.randn(5, 6)
    before = interaction(h, speaker, batch, clues)
    later = h.clone()
    later[4] += 10  # the last turn is nobody's cause but its own
    after = interaction(later, speaker, batch, clues)
    torch.testing.assert_close(after[:4], before[:4])
    changed = clues.clone()
    changed[0] += 1
    assert not torch.allclose(interaction(h, speaker, batch, changed)[0], before[0])
    assert not torch.allclose(interaction(h, speaker, batch, None), before)  # without clues: context alone
    with pytest.raises(ValueError, match="odd size"):
        CausalInteraction(8, clue_dim=5)


def test_tensor_ring_balancing_keeps_shapes_zeroes_missing_rows_and_fusion_is_scale_free():
    torch.manual_seed(0)
    modalities = ("text", "audio", "visual")
    ring = TensorRingAttention(modalities, 6, rank=3, eta=0.5)
    encodings = {m: torch.randn(4, 6) for m in modalities}
    masks = {m: torch.ones(4, dtype=torch.bool) for m in modalities}
    masks["audio"] = torch.tensor([True, False, True, True])
    theta = ring.attention_maps(encodings["text"], "text")
    assert theta.shape == (4, 6, 3, 3)
    torch.testing.assert_close(theta.sum((-1, -2)), torch.ones(4, 6))  # Eq. 3: a softmax over the r x r entries
    balanced = ring(encodings, masks)
    assert balanced["audio"][1].abs().sum() == 0
    fusion = NormalisedFusion(modalities, 6, 5)
    scaled = {m: x * 1000 for m, x in balanced.items()}
    torch.testing.assert_close(fusion(scaled), fusion(balanced), rtol=1e-4, atol=1e-4)  # Eq. 6: no modality by scale
    assert fusion.term(balanced["text"], "text").abs().max() <= 1 + 1e-6  # cosines
