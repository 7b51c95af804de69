"""Options and helpers shared by the ``emoflow`` commands."""

from __future__ import annotations

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


def parse_settings(settings: tuple[str, ...], flag: str = "--set") -> dict[str, Any]:
    """``key=value`` pairs with YAML-typed values (``fps=4`` is a number, ``weights=random`` a string)."""
    import yaml

    parsed = {}
    for setting in settings:
        key, sep, value = setting.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{setting!r} is not KEY=VALUE", param_hint=flag)
        loaded = yaml.safe_load(value)
        if isinstance(loaded, str) and re.fullmatch(r"[-+]?\d+(\.\d*)?[eE][-+]?\d+", loaded):
            loaded = float(loaded)  # YAML 1.1 reads 5e-5 as a string; a number is what anyone means by it
        parsed[key.strip()] = loaded
    return parsed


SETTING_FLAGS = {
    "extractor": ("--extractor-set", "An extractor option, e.g. fps=4 (emoflow extractors lists them); repeatable."),
    "model": ("--model-set", "A model option, e.g. hidden=128 (emoflow models lists them); repeatable."),
    "train": ("--train-set", "A training option: lr, batch_size, patience, class_weights, ...; repeatable."),
}
"""One flag per kind of option, the same in every command that takes it."""


def settings_option(kind: str, *, was_set: bool = False) -> Any:
    """``--extractor-set`` / ``--model-set`` / ``--train-set KEY=VALUE`` (parameter ``<kind>_settings``).

    ``was_set``: the command's old ``--set`` meant this kind; it still works for one release, hidden from the
    help, with a deprecation message (parameter ``old_settings``).
    """
    flag, help_text = SETTING_FLAGS[kind]

    def decorate(command: Any) -> Any:
        command = click.option(flag, f"{kind}_settings", multiple=True, metavar="KEY=VALUE", help=help_text)(command)
        if was_set:
            deprecation = f"use {flag} instead; --set goes in the next release"
            command = click.option(
                "--set", "old_settings", multiple=True, metavar="KEY=VALUE", hidden=True, deprecated=deprecation
            )(command)
        return command

    return decorate


def given_settings(kind: str, settings: tuple[str, ...], old_settings: tuple[str, ...] = ()) -> dict[str, Any]:
    """The options given with the kind's flag (and the deprecated ``--set``), parsed."""
    return parse_settings((*old_settings, *settings), SETTING_FLAGS[kind][0])


def modalities_option(default: str | None, help_text: str, *, was_modality: bool = False) -> Any:
    """``--modalities text,audio``: comma-separated, or repeated (parameter ``modalities``, a tuple).

    ``was_modality``: the command's old repeated ``--modality`` still works for one release (``old_modalities``).
    """
    from emoflow.storage.schema import MODALITIES

    def parse(context: click.Context, parameter: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
        items = [item for given in value for item in csv_list(given, "modality")]
        unknown = sorted(set(items) - set(MODALITIES))
        if unknown:
            raise click.BadParameter(f"unknown modalities {unknown}; valid: {', '.join(MODALITIES)}")
        return tuple(dict.fromkeys(items))

    def decorate(command: Any) -> Any:
        command = click.option(
            "--modalities",
            multiple=True,
            callback=parse,
            metavar="MODALITY[,MODALITY]",
            default=(default,) if default else (),
            show_default=default or False,
            help=help_text,
        )(command)
        if was_modality:
            command = click.option(
                "--modality",
                "old_modalities",
                multiple=True,
                type=click.Choice(MODALITIES),
                hidden=True,
                deprecated="use --modalities text,audio instead; --modality goes in the next release",
            )(command)
        return command

    return decorate


def profile_option(command: Any) -> Any:
    """``--profile``: which extractors, with the same default and help in every command."""
    from emoflow.extractors.profiles import DEFAULT_PROFILE, PROFILES_HELP

    return click.option(
        "--profile", default=DEFAULT_PROFILE, show_default=True, help=f"Extractor profile: {PROFILES_HELP}."
    )(command)


def echo_options(title: str, config_class: type, doc: str | None = None, *, markdown: bool = False) -> None:
    """Print ``title: first docstring line`` and each option with its type, range and default.

    With ``markdown``: a ``### `title``` heading, the line, and a table of the options (what the docs hold).
    """
    from emoflow.core.registry import option_rows

    line = (doc or config_class.__doc__ or "").strip().splitlines()[0]
    rows = option_rows(config_class)
    if not markdown:
        click.echo(f"{title}: {line}")
        for name, kind, default in rows:
            click.echo(f"    {name}: {kind} = {default!r}")
        return
    click.echo(f"### `{title}`\n\n{line}\n\n| option | type and range | default |\n|---|---|---|")
    for name, kind, default in rows:
        cells = (f"`{name}`", kind, f"`{default!r}`")
        click.echo("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    click.echo()


FORMAT_OPTION = click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "markdown"]),
    default="text",
    show_default=True,
    help="markdown: one table per entry, as in the docs (make docs writes them there).",
)


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
