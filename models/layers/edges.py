"""Dialogue graph edges in one place: a past/future window over each dialogue, typed by speaker and direction.

Nodes are utterances; an edge ``j -> i`` links utterance ``i`` to a context utterance ``j`` of the same dialogue
with ``i - past <= j <= i + future``. Edges are built for a whole PyG batch at once: one vectorised step per
window offset, never a Python loop over node pairs.

Relation schemes (``edge_type``):

- ``speaker_direction``: AMB-DSGDN's five relations (§4.4, Eqs. 7-8), numbered as the paper's ids minus one:
  0 self-loop, 1 intra-speaker past, 2 intra-speaker future, 3 inter-speaker future, 4 inter-speaker past. Its
  intra-speaker subgraph ``Adj_s`` is relations {0, 1, 2}, the inter-speaker subgraph ``Adj_c`` {0, 3, 4}.
- ``speaker_pair``: DialogueGCN's relations (Ghosal et al. 2019, §3.3.2): one per (speaker of j, speaker of i,
  j before-or-at i / after i), ``2 * num_speakers**2`` of them, speakers indexed within their dialogue.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

SELF, SAME_PAST, SAME_FUTURE, OTHER_FUTURE, OTHER_PAST = range(5)
SPEAKER_DIRECTION_RELATIONS = 5
SCHEMES = ("speaker_direction", "speaker_pair")


@dataclass(frozen=True)
class DialogueEdges:
    """``edge_index`` ``[2, E]`` (row 0 source j, row 1 target i) and ``edge_type`` ``[E]``."""

    edge_index: torch.Tensor
    edge_type: torch.Tensor
    num_relations: int


def num_relations(scheme: str, num_speakers: int = 2) -> int:
    """How many relation ids ``scheme`` uses."""
    if scheme == "speaker_direction":
        return SPEAKER_DIRECTION_RELATIONS
    if scheme == "speaker_pair":
        return 2 * num_speakers**2
    raise ValueError(f"unknown relation scheme {scheme!r}; valid schemes: {', '.join(SCHEMES)}")


def dialogue_edges(
    position: torch.Tensor,
    speaker: torch.Tensor,
    batch: torch.Tensor,
    *,
    past: int | None,
    future: int | None,
    self_loops: bool = True,
    scheme: str = "speaker_direction",
    num_speakers: int = 2,
) -> DialogueEdges:
    """Windowed, typed edges for a batch of dialogues.

    Args:
        position: ``[N]`` turn index of each node within its dialogue (0, 1, ...; nodes of a dialogue contiguous
            and in order, as PyG batches them).
        speaker: ``[N]`` speaker index within the dialogue.
        batch: ``[N]`` dialogue index of each node.
        past: how many earlier turns feed each node; ``None`` means all of them.
        future: how many later turns feed each node; ``None`` means all of them.
        self_loops: include ``i -> i`` (relation ``SELF`` in ``speaker_direction``).
        scheme: ``speaker_direction`` or ``speaker_pair`` (see the module docstring).
        num_speakers: speakers per dialogue the ``speaker_pair`` scheme allows for.
    """
    relations = num_relations(scheme, num_speakers)
    if scheme == "speaker_pair" and speaker.numel() and int(speaker.max()) >= num_speakers:
        raise ValueError(f"a dialogue has {int(speaker.max()) + 1} speakers; speaker_pair allows {num_speakers}")
    longest = int(position.max()) + 1 if position.numel() else 0
    reach_back = longest - 1 if past is None else min(past, max(longest - 1, 0))
    reach_ahead = longest - 1 if future is None else min(future, max(longest - 1, 0))
    node = torch.arange(position.numel(), device=position.device)
    sources, targets = [], []
    for offset in range(-reach_back, reach_ahead + 1):
        if offset == 0 and not self_loops:
            continue
        source = node + offset  # nodes of a dialogue are contiguous, so j = i + offset within it
        valid = (source >= 0) & (source < position.numel())
        target = node[valid]
        source = source[valid]
        same_dialogue = batch[source] == batch[target]
        sources.append(source[same_dialogue])
        targets.append(target[same_dialogue])
    source = torch.cat(sources) if sources else node[:0]
    target = torch.cat(targets) if targets else node[:0]
    edge_index = torch.stack([source, target])
    same = speaker[source] == speaker[target]
    ahead = source > target
    if scheme == "speaker_direction":
        edge_type = torch.where(
            same, torch.where(ahead, SAME_FUTURE, SAME_PAST), torch.where(ahead, OTHER_FUTURE, OTHER_PAST)
        )
        edge_type = torch.where(source == target, SELF, edge_type)
    else:
        edge_type = (speaker[source] * num_speakers + speaker[target]) * 2 + ahead.long()
    return DialogueEdges(edge_index, edge_type.long(), relations)


def mean_weights(edge_index: torch.Tensor, num_nodes: int) -> torch.Tensor:
    """``1 / deg(i)`` per edge ``j -> i``: unit edge weights that average, rather than sum, a node's neighbours."""
    target = edge_index[1]
    return 1.0 / torch.bincount(target, minlength=num_nodes).clamp(min=1)[target].float()
