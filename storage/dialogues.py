"""Features read back per dialogue: one array per modality in turn order, with an explicit presence mask.

This is what the models consume. An utterance without a stored feature for a modality (its media was missing,
its extraction failed) has ``mask[i] == False``; the row of the array there is zero filler and carries no data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pyarrow.compute as pc

from emoflow.storage.store import FeatureStore


@dataclass
class DialogueArrays:
    """One dialogue in turn order with, per modality m, ``features[m]`` ``[n, dim]`` and ``masks[m]`` ``[n]``."""

    dialogue_id: str
    split: str | None
    utterance_ids: list[str]
    speakers: list[str]
    labels: list[str | None]
    features: dict[str, np.ndarray]
    masks: dict[str, np.ndarray]


def read_dialogues(
    store: FeatureStore,
    dataset: str,
    features: Mapping[str, str],
    side_inputs: Mapping[str, tuple[str, str]] | None = None,
    *,
    absent_dims: Mapping[str, int] | None = None,
) -> list[DialogueArrays]:
    """Align the feature tables named in ``features`` (modality -> extractor id) with the dataset's dialogues.

    ``side_inputs`` (name -> (modality, extractor id)) adds further tables under their own names, e.g. clue
    vectors a model reads besides the modalities. Dialogues come in the order they were ingested, utterances in
    turn order. Feature rows for utterances that are no longer in the dataset are ignored. A table named in
    ``absent_dims`` (name -> size) that the store does not hold reads as all-missing: zero rows, mask False (a
    corpus without video given to a model that reads video).
    """
    utterances = store.read_utterances(dataset)
    order = pc.sort_indices(utterances, sort_keys=[("dialogue_id", "ascending"), ("turn", "ascending")])
    rows = utterances.take(order).select(["dialogue_id", "utterance_id", "speaker", "label", "split"]).to_pylist()
    first_seen = {d: i for i, d in reversed(list(enumerate(utterances.column("dialogue_id").to_pylist())))}

    index = {row["utterance_id"]: i for i, row in enumerate(rows)}
    stacked: dict[str, np.ndarray] = {}
    present: dict[str, np.ndarray] = {}
    tables = {m: (m, e) for m, e in features.items()} | dict(side_inputs or {})
    for name, (modality, extractor) in tables.items():
        if absent_dims and name in absent_dims and not store.has_features(dataset, modality, extractor):
            stacked[name] = np.zeros((len(rows), absent_dims[name]), dtype=np.float32)
            present[name] = np.zeros(len(rows), dtype=bool)
            continue
        table = store.read_features(dataset, modality, extractor)
        positions = np.array([index.get(u, -1) for u in table.utterance_ids], dtype=np.int64)
        keep = positions >= 0
        array = np.zeros((len(rows), table.vectors.shape[1]), dtype=np.float32)
        array[positions[keep]] = table.vectors[keep]
        mask = np.zeros(len(rows), dtype=bool)
        mask[positions[keep]] = True
        stacked[name], present[name] = array, mask

    dialogues: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        dialogues.setdefault(row["dialogue_id"], []).append(i)
    result = []
    for dialogue_id in sorted(dialogues, key=first_seen.__getitem__):
        members = dialogues[dialogue_id]
        result.append(
            DialogueArrays(
                dialogue_id=dialogue_id,
                split=rows[members[0]]["split"],
                utterance_ids=[rows[i]["utterance_id"] for i in members],
                speakers=[rows[i]["speaker"] for i in members],
                labels=[rows[i]["label"] for i in members],
                features={m: stacked[m][members] for m in stacked},
                masks={m: present[m][members] for m in present},
            )
        )
    return result
