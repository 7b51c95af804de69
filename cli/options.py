"""Options and helpers shared by the ``emoflow`` commands."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import click

DEFAULT_STORE = "store"

store_option = click.option(
    "--store",
    envvar="EMOFLOW_STORE",
    default=DEFAULT_STORE,
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Feature store folder (or set EMOFLOW_STORE).",
)


def parse_settings(settings: tuple[str, ...]) -> dict[str, Any]:
    """``key=value`` pairs with YAML-typed values (``fps=4`` is a number, ``weights=random`` a string)."""
    import yaml

    parsed = {}
    for setting in settings:
        key, sep, value = setting.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{setting!r} is not KEY=VALUE", param_hint="--set")
        loaded = yaml.safe_load(value)
        if isinstance(loaded, str) and re.fullmatch(r"[-+]?\d+(\.\d*)?[eE][-+]?\d+", loaded):
            loaded = float(loaded)  # YAML 1.1 reads 5e-5 as a string; a number is what anyone means by it
        parsed[key.strip()] = loaded
    return parsed


def echo_options(title: str, cls: type) -> None:
    """Print ``title: first docstring line`` and each field of ``cls.Config`` with its default."""
    click.echo(f"{title}: {(cls.__doc__ or '').strip().splitlines()[0]}")
    for f in dataclasses.fields(cls.Config):  # type: ignore[attr-defined]
        default = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
        click.echo(f"    {f.name} = {default!r}")


def csv_list(value: str, what: str, *, integers: bool = False) -> list[str]:
    """The items of a comma-separated option value (at least one; all integers when ``integers``)."""
    items = [v.strip() for v in value.split(",") if v.strip()]
    if not items:
        raise click.BadParameter(f"give at least one {what}")
    if integers and not all(i.lstrip("-").isdigit() for i in items):
        raise click.BadParameter(f"{value!r} is not a comma-separated list of integers", param_hint=f"--{what}s")
    return items


def feature_choice(pairs: tuple[str, ...]) -> dict[str, str]:
    """``MODALITY=EXTRACTOR_ID`` pairs (comma-separated or repeated) as a dict."""
    given = {}
    for pair in pairs:
        for item in csv_list(pair, "MODALITY=EXTRACTOR"):
            modality, sep, extractor = item.partition("=")
            if not sep or not extractor:
                raise click.BadParameter(f"{item!r} is not MODALITY=EXTRACTOR_ID", param_hint="--features")
            given[modality.strip()] = extractor.strip()
    return given


def recordings_options(command: Any) -> Any:
    """``--speakers``, ``--asr-model`` and ``--language``: how long recordings are analysed (``recordings`` layout)."""
    command = click.option(
        "--language",
        help="Recordings: the language spoken (an ISO code such as en, de) [default: detected by the ASR model].",
    )(command)
    command = click.option(
        "--asr-model",
        help="Recordings: whisper-tiny.en (default, English), whisper-base (multilingual; the whisper-base extra) "
        "or a folder with a CTranslate2 or Hugging Face Whisper model.",
    )(command)
    return click.option(
        "--speakers",
        type=click.IntRange(min=1),
        help="Recordings: how many people speak in each [default: estimated from the voices].",
    )(command)


def recordings_reader_options(speakers: int | None, asr_model: str | None, language: str | None) -> dict[str, Any]:
    """The options given, as the recordings layout takes them."""
    given = {"speakers": speakers, "asr_model": asr_model, "language": language}
    return {k: v for k, v in given.items() if v is not None}
