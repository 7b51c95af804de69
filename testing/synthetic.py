"""Synthetic conversations written into a store: for tests, benchmarks and trying models without a corpus.

The task is emotional contagion. Each speaker of a dialogue has a mood (a class). An *explicit* utterance shows
its speaker's mood in its features; an *ambiguous* one shows a shared "ambiguous" cue and is labelled with the
mood of the other speaker of the pair. Its label therefore depends on speaker context, not on the node alone: a
context-free model can only guess it, a model that reads who said what around it can recover it.

Each modality sees the same cue through its own random projection plus Gaussian noise, so any modality subset
carries the task.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

import numpy as np
import pyarrow as pa

from emoflow.storage import FeatureStore
from emoflow.storage.lineage import make_lineage
from emoflow.storage.schema import UTTERANCES


def write_contagion_dataset(
    store: FeatureStore,
    dataset: str,
    lengths: Mapping[str, Sequence[int]],
    *,
    dims: Mapping[str, int],
    num_classes: int = 4,
    explicit: float = 0.5,
    noise: float = 0.5,
    seed: int = 0,
    extractor: str = "synthetic",
    class_names: Sequence[str] | None = None,
    unit_norm: bool = False,
) -> dict[str, str]:
    """Write utterances and one feature table per modality; return ``{modality: extractor id}``.

    Args:
        store: the store to write into.
        dataset: dataset name.
        lengths: per split, the length (utterances) of each dialogue.
        dims: feature size per modality.
        num_classes: number of moods / classes.
        explicit: probability that an utterance shows its speaker's mood.
        noise: standard deviation of the Gaussian noise on the features.
        seed: random seed (the same seed writes the same dataset).
        extractor: extractor id of the feature tables.
        class_names: label names (default ``mood0``, ``mood1``, ...), ``num_classes`` of them.
        unit_norm: scale every feature row to length 1, as sentence encoders (MiniLM, mpnet) emit them.
    """
    rng = np.random.default_rng(seed)
    classes = list(class_names) if class_names is not None else [f"mood{c}" for c in range(num_classes)]
    if len(classes) != num_classes:
        raise ValueError(f"{len(classes)} class names for {num_classes} classes")
    rows, cues = [], []
    for split, split_lengths in lengths.items():
        for d, length in enumerate(split_lengths):
            dialogue = f"{split}{d:05d}"
            moods = rng.choice(num_classes, size=2, replace=False)
            speaker = int(rng.integers(2))
            for turn in range(length):
                if turn and rng.random() < 0.7:
                    speaker = 1 - speaker
                shows = turn == 0 or rng.random() < explicit
                label = moods[speaker] if shows else moods[1 - speaker]
                cues.append(moods[speaker] if shows else num_classes)
                uid = f"{dialogue}_u{turn:03d}"
                rows.append(
                    {
                        "dialogue_id": dialogue,
                        "utterance_id": uid,
                        "turn": turn,
                        "speaker": "AB"[speaker],
                        "text": f"utterance {turn}",
                        "label": classes[label],
                        "split": split,
                        "content_hash": hashlib.blake2b(uid.encode(), digest_size=16).hexdigest(),
                        "source": "synthetic",
                    }
                )
    table = pa.Table.from_pylist(rows, schema=UTTERANCES)
    store.write_utterances(dataset, table, make_lineage("ingest", source="synthetic contagion task", seed=seed))
    one_hot = np.eye(num_classes + 1, dtype=np.float32)[np.array(cues)]
    ids = [r["utterance_id"] for r in rows]
    dialogues = [r["dialogue_id"] for r in rows]
    features = {}
    for modality, dim in dims.items():
        projection = rng.normal(size=(num_classes + 1, dim)).astype(np.float32)
        vectors = one_hot @ projection + noise * rng.normal(size=(len(rows), dim)).astype(np.float32)
        if unit_norm:
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        lineage = make_lineage("extract", extractor=extractor, inputs_fingerprint=f"synthetic-{seed}")
        store.write_features(dataset, modality, extractor, ids, dialogues, vectors.astype(np.float32), lineage)
        features[modality] = extractor
    return features
