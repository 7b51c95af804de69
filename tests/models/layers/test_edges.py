import pytest
import torch

from emoflow.models.layers.edges import (
    OTHER_FUTURE,
    OTHER_PAST,
    SAME_FUTURE,
    SAME_PAST,
    SELF,
    dialogue_edges,
    num_relations,
)

# two dialogues in one batch: speakers A B A B | A B
POSITION = torch.tensor([0, 1, 2, 3, 0, 1])
SPEAKER = torch.tensor([0, 1, 0, 1, 0, 1])
BATCH = torch.tensor([0, 0, 0, 0, 1, 1])


def edges_of(result):
    return {(int(s), int(t)): int(r) for (s, t), r in zip(result.edge_index.T, result.edge_type, strict=True)}


def test_window_edges_typed_like_amb_dsgdn():
    result = dialogue_edges(POSITION, SPEAKER, BATCH, past=2, future=1)
    assert edges_of(result) == {
        # dialogue 0: target i gets sources j with i - 2 <= j <= i + 1
        (0, 0): SELF,
        (1, 0): OTHER_FUTURE,
        (0, 1): OTHER_PAST,
        (1, 1): SELF,
        (2, 1): OTHER_FUTURE,
        (0, 2): SAME_PAST,
        (1, 2): OTHER_PAST,
        (2, 2): SELF,
        (3, 2): OTHER_FUTURE,
        (1, 3): SAME_PAST,
        (2, 3): OTHER_PAST,
        (3, 3): SELF,
        # dialogue 1: no edge crosses into dialogue 0
        (4, 4): SELF,
        (5, 4): OTHER_FUTURE,
        (4, 5): OTHER_PAST,
        (5, 5): SELF,
    }
    assert result.num_relations == 5


def test_whole_dialogue_without_self_loops():
    result = dialogue_edges(POSITION, SPEAKER, BATCH, past=None, future=None, self_loops=False)
    edges = edges_of(result)
    assert len(edges) == 4 * 3 + 2 * 1
    assert edges[(2, 0)] == SAME_FUTURE and edges[(3, 0)] == OTHER_FUTURE and edges[(0, 3)] == OTHER_PAST
    assert all(s != t for s, t in edges)


def test_past_only_window():
    edges = edges_of(dialogue_edges(POSITION, SPEAKER, BATCH, past=1, future=0, self_loops=False))
    assert set(edges) == {(0, 1), (1, 2), (2, 3), (4, 5)}


def test_dialoguegcn_speaker_pair_relations():
    result = dialogue_edges(POSITION, SPEAKER, BATCH, past=None, future=None, scheme="speaker_pair")
    edges = edges_of(result)
    assert result.num_relations == 8 == num_relations("speaker_pair", 2)
    # (speaker of j * 2 + speaker of i) * 2 + (j after i)
    assert edges[(0, 3)] == (0 * 2 + 1) * 2 + 0
    assert edges[(3, 0)] == (1 * 2 + 0) * 2 + 1
    assert edges[(2, 2)] == 0
    assert len(set(edges.values())) == 8
    with pytest.raises(ValueError, match="a dialogue has 3 speakers; speaker_pair allows 2"):
        dialogue_edges(POSITION, torch.tensor([0, 1, 2, 0, 0, 1]), BATCH, past=1, future=1, scheme="speaker_pair")


def test_unknown_scheme_lists_the_valid_ones():
    with pytest.raises(ValueError, match="valid schemes: speaker_direction, speaker_pair"):
        dialogue_edges(POSITION, SPEAKER, BATCH, past=1, future=1, scheme="full")


def test_single_utterance_and_empty_batches():
    one = dialogue_edges(torch.tensor([0]), torch.tensor([0]), torch.tensor([0]), past=5, future=5)
    assert edges_of(one) == {(0, 0): SELF}
    empty = torch.zeros(0, dtype=torch.long)
    assert dialogue_edges(empty, empty, empty, past=3, future=3).edge_index.shape == (2, 0)
