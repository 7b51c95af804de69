"""Which feature tables a run reads: ``--features`` choices, feature streams, and what the store holds.

Light (no torch): the option checks that run before any work use it, as does :mod:`models.graph_data`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from emoflow.extractors.registry import is_feature_stream
from emoflow.storage import FeatureStore

STREAM_SEPARATOR = "+"


def stream_name(modality: str, extractor: str) -> str:
    """The side-input name of an extra feature table of ``modality``: ``<modality>+<extractor id>``."""
    return f"{modality}{STREAM_SEPARATOR}{extractor}"


def split_streams(features: Mapping[str, str]) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """``{modality: "main+extra+..."}`` -> the main tables and the streams as side inputs (name -> (m, id))."""
    main, streams = {}, {}
    for modality, given in features.items():
        first, *extra = given.split(STREAM_SEPARATOR)
        main[modality] = first
        for extractor in extra:
            streams[stream_name(modality, extractor)] = (modality, extractor)
    return main, streams


def resolve_features(
    store: FeatureStore, dataset: str, modalities: Sequence[str], given: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Modality -> extractor id (``main+stream`` when streams go with it): as ``given``, or what the store holds.

    Without ``given``, a modality's only feature table is used; where there are several but only one is not a
    feature stream (the sentence encoder beside nade's scores), that one is used with the streams appended.
    """
    given = dict(given or {})
    unknown = set(given) - set(modalities)
    if unknown:
        raise ValueError(f"features given for {', '.join(sorted(unknown))}, not among the modalities {modalities}")
    stored: dict[str, list[str]] = {}
    for feature_set in store.feature_sets(dataset):
        stored.setdefault(feature_set.modality, []).append(feature_set.extractor)
    resolved = {}
    for modality in modalities:
        options = stored.get(modality, [])
        streams = [o for o in options if is_feature_stream(o)]
        mains = [o for o in options if o not in streams]
        if modality in given:
            if given[modality].split(STREAM_SEPARATOR)[0] not in options:
                raise KeyError(
                    f"no {modality} features {given[modality]!r} for {dataset!r} (stored: {options or 'none'})"
                )
            resolved[modality] = given[modality]
        elif len(options) == 1:
            resolved[modality] = options[0]
        elif len(mains) == 1:
            resolved[modality] = STREAM_SEPARATOR.join([mains[0], *sorted(streams)])
        elif not options:
            raise KeyError(
                f"dataset {dataset!r} has no {modality} features; run emoflow extract --modalities {modality}"
            )
        else:
            raise ValueError(
                f"dataset {dataset!r} has several {modality} feature tables ({', '.join(options)}); "
                f"choose one with --features {modality}=<extractor id>"
            )
    return resolved
