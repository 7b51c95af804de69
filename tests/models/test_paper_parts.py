"""The building blocks of AR-IIGCN, CaSCLA and CMCF-AGCN, each against what its paper says it does."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from model_inputs import DIMS, SMALL
from torch import nn

from emoflow.models.base import DataSpec
from emoflow.models.cascla.causal_interaction import CausalInteraction
from emoflow.models.cascla.perturbed_gru import GateInputGRU, fgm_perturbation
from emoflow.models.cascla.tensor_ring_fusion import NormalisedFusion, TensorRingAttention
from emoflow.models.registry import create_model
from emoflow.models.training.runs import evaluate_run, train_runs
from emoflow.storage.lineage import make_lineage

QUICK = {"epochs": 2, "batch_size": 32, "patience": None}


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


def test_ar_iigcn_trains_its_gan_first_and_records_it(contagion_store):
    (result,) = train_runs(
        contagion_store, "syn", "ar_iigcn", ["text", "audio"], seeds=[1], progress=False,
        model_overrides={"hidden": 16, "classifier_hidden": 16, "gan_hidden": 16, "gan_epochs": 2},
        train_overrides=QUICK,
    )  # fmt: skip
    metrics = json.loads((result.run_dir / "metrics.json").read_text())
    assert [r["epoch"] for r in metrics["pretrain_history"]] == [1, 2]
    assert all(r["discriminator_loss"] > 0 and r["generator_loss"] > 0 for r in metrics["pretrain_history"])
    assert len(metrics["history"]) == 2


def write_clue_table(store, dataset: str, dim: int) -> str:
    """A clue table as a COMET extractor would write it: one 6-relation vector per utterance (random here)."""
    utterances = store.read_utterances(dataset)
    vectors = np.random.default_rng(0).normal(size=(utterances.num_rows, dim)).astype(np.float32)
    extractor = "comet_clues-test"
    store.write_features(
        dataset, "text", extractor, utterances.column("utterance_id").to_pylist(),
        utterances.column("dialogue_id").to_pylist(), vectors, make_lineage("extract", extractor=extractor),
    )  # fmt: skip
    return extractor


def test_cascla_reads_a_clue_table_and_without_one_runs_as_the_papers_ablation(contagion_store):
    small = {"model_dim": 16, "hidden": 8, "encoder_heads": 2, "feedforward": 16, "label_dim": 8}
    options = {"seeds": [1], "progress": False, "train_overrides": QUICK, "features": {"text": "synthetic"}}
    (plain,) = train_runs(contagion_store, "syn", "cascla", ["text", "audio"], model_overrides=small, **options)
    config = json.loads((plain.run_dir / "config.json").read_text())
    assert config["variant"].startswith("w/o causal-aware knowledge")
    assert "w/o causal-aware knowledge" in (plain.run_dir / "report.md").read_text()
    assert "side_inputs" not in config

    extractor = write_clue_table(contagion_store, "syn", 12)
    with_clues = {**small, "clues": extractor}
    (clued,) = train_runs(contagion_store, "syn", "cascla", ["text", "audio"], model_overrides=with_clues, **options)
    config = json.loads((clued.run_dir / "config.json").read_text())
    assert "variant" not in config and config["side_inputs"]["clues"][:2] == ["text", extractor]
    assert clued.run_id != plain.run_id
    again = evaluate_run(contagion_store, clued.run_id)  # the checkpoint finds its clue table again
    assert again.test.weighted_f1 == pytest.approx(clued.test.weighted_f1)

    with pytest.raises(KeyError, match="does not have"):
        train_runs(contagion_store, "syn", "cascla", ["text"], model_overrides={**small, "clues": "comet-nope"},
                   **options)  # fmt: skip
