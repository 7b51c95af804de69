"""A run's feature recipe: exactly how each of its inputs was made, so new recordings can be made the same way.

For every modality (and side input) the run reads, the recipe holds the extractor's name, full config and id,
read from the feature table's lineage, and for trained extraction stages (the fine-tuned text encoder, the audio
encoder) the options that reuse the weights trained on the run's dataset (:meth:`Extractor.reuse_options`). A new
corpus is then extracted with those extractors: frozen ones as they were, trained ones with the run's weights
and standardisation, never trained on the new data, so no labels are needed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from emoflow.extractors.base import Extractor
from emoflow.extractors.registry import create_extractor, extractor_classes
from emoflow.storage import FeatureStore


def feature_recipe(
    store: FeatureStore,
    dataset: str,
    features: Mapping[str, str],
    side_inputs: Mapping[str, tuple[str, str]] | None = None,
) -> dict[str, dict[str, Any]]:
    """Input name (modality or side input) -> how its feature table was made, from the table's lineage."""
    tables = {m: (m, e) for m, e in features.items()} | dict(side_inputs or {})
    classes = extractor_classes()
    recipe = {}
    for name, (modality, extractor_id) in tables.items():
        lineage = store.feature_lineage(dataset, modality, extractor_id)
        extractor = lineage.get("extractor")
        reuse = classes[extractor].reuse_options(lineage.get("details") or {}) if extractor in classes else {}
        recipe[name] = {
            "modality": modality,
            "id": extractor_id,
            "extractor": extractor,
            "config": lineage.get("config"),
            "reuse": reuse,
            "trained_on": dataset if reuse else None,
        }
    return recipe


def recipe_extractor(name: str, entry: Mapping[str, Any]) -> Extractor:
    """The extractor that makes input ``name`` for new data: the recorded config plus the reuse options.

    A recipe whose extractor is not registered (features written by other code) is an error saying so.
    """
    classes = extractor_classes()
    if entry.get("extractor") not in classes or not entry.get("config"):
        raise ValueError(
            f"the run's {name} features ({entry.get('id')}) were not made by an emoflow extractor "
            f"({entry.get('extractor')!r}), so they cannot be made for new data; store them under that id first"
        )
    cls = classes[entry["extractor"]]
    options = {f.name for f in fields(cls.Config)}
    config = {k: v for k, v in entry["config"].items() if k in options}
    return create_extractor(entry["extractor"], **{**config, **entry.get("reuse", {})})
