import torch
from torch_geometric.data import Batch, Data

from emoflow.models.training.modality_dropout import drop_modalities
from emoflow.models.training.settings import TrainConfig


def batch(n: int = 2000) -> Batch:
    has_audio = torch.arange(n) % 4 != 0  # a quarter of the utterances have no audio
    graph = Data(
        x_text=torch.ones(n, 3),
        mask_text=torch.ones(n, dtype=torch.bool),
        x_audio=torch.ones(n, 2) * has_audio.unsqueeze(-1),
        mask_audio=has_audio,
        num_nodes=n,
    )
    return Batch.from_data_list([graph])


def test_modalities_are_dropped_per_utterance_never_all_and_look_missing():
    original = batch()
    dropped = drop_modalities(original, ("text", "audio"), 0.4, torch.Generator().manual_seed(1))
    text, audio = dropped.mask_text, dropped.mask_audio
    assert (text | audio).all()  # every utterance keeps a modality
    assert not audio[~original.mask_audio].any()  # what was missing stays missing
    assert text[~original.mask_audio].all()  # an utterance with one modality keeps it
    both = original.mask_audio
    # each lost alone with p (1 - p) = 0.24: when both are drawn, both are kept
    assert 0.2 < (~audio[both]).float().mean() < 0.28 and 0.2 < (~text[both]).float().mean() < 0.28
    assert (dropped.x_text[~text] == 0).all() and (dropped.x_audio[~audio] == 0).all()
    assert (dropped.x_text[text] == 1).all() and (dropped.x_audio[audio] == 1).all()
    assert original.mask_text.all() and (original.x_text == 1).all()  # the loader's batch is not changed
    again = drop_modalities(batch(), ("text", "audio"), 0.4, torch.Generator().manual_seed(1))
    assert torch.equal(again.mask_audio, audio) and torch.equal(again.mask_text, text)


def test_no_dropout_and_one_modality_leave_the_batch_alone():
    original = batch(10)
    assert drop_modalities(original, ("text", "audio"), 0.0, torch.Generator()) is original
    assert drop_modalities(original, ("text",), 0.5, torch.Generator()) is original
    assert TrainConfig().modality_dropout == 0.0
