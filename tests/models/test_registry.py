"""Every registered model: forward, backward, no NaNs, any modality subset, masked modalities, clear errors."""

from __future__ import annotations

import itertools

import pytest
import torch
from model_inputs import DIMS, SMALL

from emoflow.models.base import DataSpec
from emoflow.models.registry import create_model, model_classes

MODELS = sorted(model_classes())
SUBSETS = [c for r in (1, 2, 3) for c in itertools.combinations(DIMS, r)]


def test_the_registry_holds_the_five_models_of_part_one():
    assert {"mlp", "bc_lstm", "dialoguegcn", "mmgcn", "amb_dsgdn"} <= set(MODELS)
    assert set(SMALL) == set(MODELS)


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("subset", SUBSETS, ids="+".join)
def test_forward_and_backward_on_every_modality_subset(name, subset, make_batch):
    torch.manual_seed(0)
    dims = {m: DIMS[m] for m in subset}
    batch = make_batch(dims)
    model = create_model(name, DataSpec(dims, 3, 2), **SMALL[name])
    model.start_epoch(1)
    model.train()
    output = model(batch)
    assert output.logits.shape == (batch.num_nodes, 3)
    assert torch.isfinite(output.logits).all()
    loss = model.loss(output, batch.y)
    loss.backward()
    assert torch.isfinite(loss)
    grads = [p.grad for p in model.parameters() if p.grad is not None]
    assert grads and all(torch.isfinite(g).all() for g in grads)


@pytest.mark.parametrize("name", MODELS)
def test_masked_modalities_are_ignored_not_read(name, make_batch):
    """Changing the features behind a False mask changes nothing; a dialogue missing a modality still works."""
    torch.manual_seed(0)
    batch = make_batch(DIMS, missing=0.4)
    batch.mask_audio[:5] = False  # the first dialogue has no audio at all
    model = create_model(name, DataSpec(DIMS, 3, 2), **SMALL[name]).eval()
    before = model(batch).logits
    assert torch.isfinite(before).all()
    for modality in DIMS:
        hidden = ~batch[f"mask_{modality}"]
        batch[f"x_{modality}"][hidden] = torch.randn(int(hidden.sum()), DIMS[modality]) * 100
    torch.testing.assert_close(model(batch).logits, before)


@pytest.mark.parametrize("name", MODELS)
def test_many_speakers_and_eval_mode_are_deterministic(name, make_batch):
    batch = make_batch(DIMS)
    batch.speaker = batch.speaker * 4  # speaker indices up to 4 within a dialogue
    model = create_model(name, DataSpec(DIMS, 3, num_speakers=5), **SMALL[name]).eval()
    torch.testing.assert_close(model(batch).logits, model(batch).logits)


def test_unknown_names_and_options_list_the_valid_ones():
    spec = DataSpec({"text": 4}, 3)
    with pytest.raises(ValueError, match="valid models: amb_dsgdn, ar_iigcn, bc_lstm"):
        create_model("dialoguernn", spec)
    with pytest.raises(ValueError, match="has no option depth; its options: dropout, hidden"):
        create_model("mlp", spec, depth=3)
    with pytest.raises(
        ValueError,
        match=r"model 'mlp': bad option value hidden='eight': input should be a "
        r"valid integer",
    ):
        create_model("mlp", spec, hidden="eight")
    with pytest.raises(ValueError, match=r"model 'mlp': bad option value dropout=1.5: input should be less than 1"):
        create_model("mlp", spec, dropout=1.5)  # ranges too: a dropout of 1 or more would drop every unit
    assert create_model("mlp", spec, hidden="8").config.hidden == 8  # a number given as text (YAML, --model-set)
    with pytest.raises(ValueError, match="at least one modality"):
        DataSpec({}, 3)
    with pytest.raises(ValueError, match="unknown modalities"):
        DataSpec({"smell": 3}, 3)


@pytest.mark.parametrize("name", MODELS)
def test_inputs_are_standardised_with_train_statistics(name, make_batch):
    """Features on another scale and offset give the same outputs once each model has its own statistics."""
    batch = make_batch({"audio": 5})
    scaled = batch.clone()
    scaled.x_audio = (scaled.x_audio * 1000 + 50) * scaled.mask_audio.unsqueeze(-1)
    outputs = []
    for graphs in (batch, scaled):
        torch.manual_seed(0)
        model = create_model(name, DataSpec({"audio": 5}, 3), **SMALL[name]).eval()
        model.set_feature_statistics([graphs])
        outputs.append(model(graphs).logits)
    torch.testing.assert_close(outputs[0], outputs[1], rtol=1e-4, atol=1e-4)
    assert "scale_audio" in model.state_dict()  # the checkpoint carries the statistics
    assert scaled.x_audio.abs().max() > 100  # the caller's batch is not modified
