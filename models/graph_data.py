"""The store's dialogues as PyG graphs: one ``Data`` per dialogue, batched by PyG's loader.

Each ``Data`` holds, per modality ``m``, ``x_<m>`` ``[n, dim_m]`` and ``mask_<m>`` ``[n]`` (False where the
utterance has no feature: the row is zero filler), ``speaker`` ``[n]`` (index within the dialogue, by first
turn), ``position`` ``[n]`` (turn order), ``y`` ``[n]`` (class index, :data:`IGNORE_INDEX` when unlabelled), and
the dialogue id, split and utterance ids. Edges are not stored: :mod:`models.layers.edges` builds them per batch, so
one dataset serves every window and relation scheme. Dimensions come from the stored features, classes from
the dataset's labels.

Feature streams: a modality may read several feature tables, ``--features text=<main id>+<stream id>`` (e.g. a
sentence encoder's vector and nade's emotion scores). Each extra table is a side input named
``<modality>+<extractor id>`` (:func:`stream_name`), so run ids, feature recipes and prediction treat it as
they treat every side input; :func:`dialogue_graphs` appends its columns to the modality's vectors, so every
model reads the wider ``x_<modality>`` without knowing. An utterance the stream lacks gets zeros there; the
modality's mask is the main table's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
from torch_geometric.data import Data

from emoflow.models.feature_tables import (  # noqa: F401  (the names graph models import from here)
    STREAM_SEPARATOR,
    resolve_features,
    split_streams,
    stream_name,
)
from emoflow.storage import FeatureStore, read_dialogues
from emoflow.storage.schema import MODALITIES, SPLITS

IGNORE_INDEX = -100
"""Label of unlabelled utterances: ignored by the loss and the metrics (PyTorch's cross-entropy default)."""


def _stream_of(name: str, features: Mapping[str, str]) -> str | None:
    """The modality a side input ``name`` extends, when it is a stream of one of ``features``."""
    modality = name.split(STREAM_SEPARATOR, 1)[0]
    return modality if STREAM_SEPARATOR in name and modality in features else None


@dataclass(frozen=True)
class GraphDataset:
    """Dialogue graphs per split, with the class list, the modalities and their feature dimensions."""

    splits: dict[str, list[Data]]
    classes: list[str]
    dims: dict[str, int]
    features: dict[str, str]
    side_dims: dict[str, int] = field(default_factory=dict)

    @property
    def modalities(self) -> tuple[str, ...]:
        """The modalities in the graphs, in the store's order."""
        return tuple(m for m in MODALITIES if m in self.dims)


def resolve_side_inputs(store: FeatureStore, dataset: str, wanted: Mapping[str, str]) -> dict[str, tuple[str, str]]:
    """Side input name -> (modality, extractor id) of the stored table with that extractor id."""
    stored = {f.extractor: f.modality for f in store.feature_sets(dataset)}
    resolved = {}
    for name, extractor in wanted.items():
        if extractor not in stored:
            raise KeyError(
                f"the model asks for {name} from feature table {extractor!r}, which {dataset!r} does not have "
                f"(stored: {', '.join(sorted(stored)) or 'none'}); `emoflow store ls` lists them"
            )
        resolved[name] = (stored[extractor], extractor)
    return resolved


def dialogue_graphs(
    store: FeatureStore,
    dataset: str,
    features: Mapping[str, str],
    classes: Sequence[str] | None = None,
    side_inputs: Mapping[str, tuple[str, str]] | None = None,
    *,
    absent_dims: Mapping[str, int] | None = None,
    unsplit: bool = False,
) -> GraphDataset:
    """One graph per dialogue of ``dataset`` with the feature tables ``features`` (modality -> extractor id).

    ``classes`` defaults to the sorted labels of the dataset; labels outside it are an error. ``side_inputs``
    (name -> (modality, extractor id), see :func:`resolve_side_inputs`) add ``x_<name>`` / ``mask_<name>``.
    Tables named in ``absent_dims`` that the store lacks read as all-missing. Dialogues without a split are left
    out, unless ``unsplit``: then they are kept under the split ``""`` (prediction on new recordings).
    """
    if not features:
        raise ValueError("at least one modality is needed")
    side_inputs = dict(side_inputs or {})
    dialogues = read_dialogues(store, dataset, features, side_inputs, absent_dims=absent_dims)
    labels = sorted({label for d in dialogues for label in d.labels if label})
    classes = list(classes) if classes is not None else labels
    index = {c: i for i, c in enumerate(classes)}
    outside = sorted(set(labels) - set(index))
    if outside:
        raise ValueError(f"labels {outside} of {dataset!r} are not among the classes {classes}")
    splits: dict[str, list[Data]] = {s: [] for s in SPLITS} | ({"": []} if unsplit else {})
    streams = {n: m for n in side_inputs if (m := _stream_of(n, features))}
    for dialogue in dialogues:
        for name, modality in streams.items():  # appended to the modality's vectors (module docstring)
            extra = dialogue.features.pop(name) * dialogue.masks.pop(name)[:, None]
            dialogue.features[modality] = np.concatenate([dialogue.features[modality], extra], axis=1)
        split = dialogue.split or ""
        if split not in splits:
            continue  # unsplit dialogues are for prediction only
        speakers = {s: i for i, s in enumerate(dict.fromkeys(dialogue.speakers))}
        graph = Data(
            speaker=torch.tensor([speakers[s] for s in dialogue.speakers]),
            position=torch.arange(len(dialogue.speakers)),
            y=torch.tensor([index[label] if label else IGNORE_INDEX for label in dialogue.labels]),
            dialogue_id=dialogue.dialogue_id,
            split=split,
            utterance_ids=dialogue.utterance_ids,
            num_nodes=len(dialogue.speakers),
        )
        for name in dialogue.features:
            graph[f"x_{name}"] = torch.from_numpy(dialogue.features[name])
            graph[f"mask_{name}"] = torch.from_numpy(dialogue.masks[name])
        splits[split].append(graph)
    sizes = {name: int(array.shape[1]) for name, array in dialogues[0].features.items()} if dialogues else {}
    return GraphDataset(
        splits=splits,
        classes=classes,
        dims={m: sizes[m] for m in features if m in sizes},
        features=dict(features),
        side_dims={n: sizes[n] for n in side_inputs if n in sizes},
    )
