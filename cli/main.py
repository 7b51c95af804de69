"""The ``emoflow`` command line: ingest corpora, query the store, make and run the demo.

Every command works without a Prefect server; the store folder comes from ``--store`` or ``EMOFLOW_STORE``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from emoflow.cli.console import CommandGroup
from emoflow.cli.model_commands import evaluate, list_models, train
from emoflow.cli.options import (
    FORMAT_OPTION,
    csv_list,
    echo_options,
    given_settings,
    modalities_option,
    profile_option,
    recordings_options,
    recordings_reader_options,
    settings_option,
    store_option,
)
from emoflow.cli.pipeline_command import demo, pipeline
from emoflow.cli.predict_command import predict
from emoflow.cli.tables import box
from emoflow.recordings.layouts import ALL_LAYOUTS, ingest_any
from emoflow.storage import FeatureStore, store_summary
from emoflow.storage.query import VIEW_NAMES, check_read_only, connect
from emoflow.storage.schema import MODALITIES


@click.group(
    name="emoflow",
    cls=CommandGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110},
)
@click.version_option(package_name="emoflow")
@click.option(
    "--debug",
    is_flag=True,
    envvar="EMOFLOW_DEBUG",
    help="Show full tracebacks (a failure otherwise prints one line; so do failed flow tasks).",
)
def cli(debug: bool) -> None:
    """emoflow: emotion recognition in conversation, from recordings to a label per utterance.

    \b
    Typical session:
      emoflow demo-corpus demo/corpus                      # a small corpus of real mp4 clips
      emoflow pipeline --corpus demo/corpus                # ingest, extract, train, evaluate (cached)
      emoflow store ls                                     # what the store holds
      emoflow query "SELECT label, count(*) FROM utterances GROUP BY label"

    \b
    Or stage by stage:
      emoflow ingest demo/corpus --dataset demo            # -> store/utterances/dataset=demo/
      emoflow extract --dataset demo                       # -> store/features/dataset=demo/...
      emoflow train --dataset demo --model dialoguegcn --features audio=<id>   # -> store/runs/...

    The store is a folder of Parquet files (docs/feature-store.md); any Parquet reader works on it.
    A failure prints one line naming the file and the problem; --debug shows the traceback.
    """
    # the temporary Prefect server sends no usage telemetry (its heartbeat also logs lock errors on SQLite)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


@cli.command()
@click.argument("corpus", type=click.Path(exists=True, path_type=Path))
@click.option("--dataset", required=True, help="Name of the dataset in the store, e.g. meld, iemocap, mycorpus.")
@store_option
@click.option(
    "--layout",
    type=click.Choice(["auto", *ALL_LAYOUTS]),
    default="auto",
    show_default=True,
    help="How the corpus is laid out on disk; auto detects a manifest, MELD, IEMOCAP or a folder of recordings.",
)
@click.option("--strict", is_flag=True, help="Fail on the first problem report instead of skipping bad rows.")
@click.option(
    "--labels",
    "label_set",
    metavar="LABEL[,LABEL]",
    help="The corpus's label set: a row with another label (a typo such as happyish) is refused. Without "
    "it, a label seen fewer than 5 times beside common ones is a warning naming it.",
)
@click.option("--val-fraction", type=float, help="IEMOCAP: fraction of sessions 1-4 dialogues held out [0.1].")
@click.option("--val-seed", type=int, help="IEMOCAP: seed choosing the validation dialogues [0].")
@recordings_options
@click.option("--quiet", is_flag=True, help="No progress bar.")
def ingest(
    corpus: Path,
    dataset: str,
    store: Path,
    layout: str,
    strict: bool,
    label_set: str | None,
    val_fraction: float | None,
    val_seed: int | None,
    speakers: int | None,
    asr_model: str | None,
    language: str | None,
    quiet: bool,
) -> None:
    """Read a corpus into the store's utterances table.

    CORPUS is a manifest (.csv or .parquet, or a folder holding manifest.csv), a folder in MELD's layout
    (*_sent_emo.csv and the clip folders) or in IEMOCAP's (Session1..5/dialog/...), or a folder of long
    recordings (one conversation per audio or video file; optional sidecars NAME.srt/NAME.vtt transcripts and
    NAME.rttm speaker turns): speech is found (Silero VAD), transcribed (Whisper) and its speakers told apart
    (GE2E voices), offline; see docs/recordings.md. Rows with problems are recorded in the errors table and
    skipped; the rest is ingested. Ingesting an unchanged corpus again writes nothing.

    \b
    Examples:
      emoflow ingest path/to/MELD --dataset meld
      emoflow ingest meetings/ --layout recordings --dataset meetings --speakers 3
    """
    given = {"val_fraction": val_fraction, "seed": val_seed}
    options: dict[str, Any] = {k: v for k, v in given.items() if v is not None}
    options |= recordings_reader_options(speakers, asr_model, language)
    if label_set is not None:
        options["labels"] = csv_list(label_set, "label")
    report = ingest_any(
        corpus, dataset, FeatureStore(store), layout=layout, strict=strict, progress=not quiet, **options
    )
    click.echo(report.summary())
    click.echo(f"store: {store}")


@cli.command()
@click.option("--dataset", required=True, help="A dataset already in the store (emoflow ingest).")
@modalities_option(None, "Modalities to extract, comma-separated or repeated [default: all three].", was_modality=True)
@profile_option
@click.option("--extractor", "only", help="Run only this extractor of the modality (see `emoflow extractors`).")
@settings_option("extractor", was_set=True)
@click.option("--device", help="auto (CUDA when present), cpu, cuda, cuda:N. Default: the profile's (auto).")
@click.option("--refresh", is_flag=True, help="Extract again even when the stored features are up to date.")
@store_option
@click.option("--quiet", is_flag=True, help="No progress bars.")
def extract(
    dataset: str,
    modalities: tuple[str, ...],
    old_modalities: tuple[str, ...],
    profile: str,
    only: str | None,
    extractor_settings: tuple[str, ...],
    old_settings: tuple[str, ...],
    device: str | None,
    refresh: bool,
    store: Path,
    quiet: bool,
) -> None:
    """Extract features from the utterances' text and media into the store.

    Each extractor writes features/dataset=D/modality=M/extractor=<name>-<config hash>/, with its config and
    library versions in the file's lineage. Utterances whose media cannot be used are recorded in the errors
    table and the rest go on; features already up to date for the same inputs and config are not recomputed.

    \b
    Examples:
      emoflow extract --dataset demo
      emoflow extract --dataset demo --modalities visual --extractor-set fps=4 --extractor-set faces=require
      emoflow extract --dataset meld --modalities text --profile paper --device cuda
      emoflow query "SELECT modality, extractor, count(*) FROM features GROUP BY ALL"
    """
    overrides = given_settings("extractor", extractor_settings, old_settings)
    if device:
        overrides["device"] = device
    chosen = tuple(dict.fromkeys((*old_modalities, *modalities))) or MODALITIES
    _extract(FeatureStore(store), dataset, chosen, profile, only, overrides, refresh, quiet)
    click.echo(f"store: {store}")


def _extract(
    store: FeatureStore,
    dataset: str,
    modalities: tuple[str, ...],
    profile: str,
    only: str | None,
    overrides: dict[str, Any],
    refresh: bool,
    quiet: bool,
) -> None:
    """Run the profile's extractors for ``modalities`` and print what each did."""
    from emoflow.extractors.profiles import planned_extractors
    from emoflow.extractors.run import extract_features

    store.read_utterances(dataset)  # a clear error before any model loads
    planned = planned_extractors(profile, modalities, only=only, overrides=overrides)
    for extractor in planned:
        click.echo(extract_features(store, dataset, extractor, refresh=refresh, progress=not quiet).summary())


@cli.command("extractors")
@FORMAT_OPTION
def list_extractors(output_format: str) -> None:
    """List the extractors with their options (types, ranges, defaults), and the profiles.

    \b
    Examples:
      emoflow extractors
      emoflow extractors --format markdown
    """
    from emoflow.extractors.profiles import profile_names
    from emoflow.extractors.registry import EXTRACTORS

    for name, config_class in EXTRACTORS.config_classes().items():
        echo_options(name, config_class, EXTRACTORS.summary(name), markdown=output_format == "markdown")
    if output_format == "text":
        click.echo(f"profiles (emoflow:configs/extractors/): {', '.join(profile_names())}")


@cli.command()
@click.argument("sql")
@store_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "parquet"]),
    default="table",
    show_default=True,
    help="table prints a box (long results are cut), csv prints or writes every row, parquet needs --out.",
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the result to this file.")
@click.option(
    "--max-rows",
    type=click.IntRange(min=1),
    default=40,
    show_default=True,
    help="Rows shown by --format table (every one of them; the footer says how many there are).",
)
def query(sql: str, store: Path, fmt: str, out: Path | None, max_rows: int) -> None:
    """Run read-only SQL over the store with DuckDB.

    Only queries run (SELECT, WITH, PIVOT, EXPLAIN, DESCRIBE, SHOW, SUMMARIZE), and they read files of the
    store only: no COPY, ATTACH, INSTALL or SET, no other file, no network. --out writes the result.

    \b
    Views: utterances, features, transcripts, errors, predictions, lineage (docs/feature-store.md lists their columns).

    \b
    Examples:
      emoflow query "SELECT split, count(*) FROM utterances GROUP BY split"
      emoflow query "SELECT reason FROM errors WHERE dataset = 'demo'"
      emoflow query "SELECT * FROM utterances" --format parquet --out utterances.parquet
      emoflow query "PIVOT predictions ON predicted USING count(*) GROUP BY label"
    """
    import duckdb

    if fmt == "parquet" and out is None:
        raise click.UsageError("--format parquet needs --out FILE")
    con = connect(store)
    check_read_only(con, sql)
    try:
        relation = con.sql(sql)
    except duckdb.Error as error:
        raise click.ClickException(f"{error}\n(views: {', '.join(VIEW_NAMES)})") from None
    if relation is None:
        return
    if fmt == "table":
        text = box(relation, max_rows)
        total = relation.count("*").fetchall()[0][0]
        if total > max_rows:
            text += f"\n({total} rows, the first {max_rows} shown; raise --max-rows or use --format csv for all)"
        if out is None:
            click.echo(text)
        else:
            out.write_text(text + "\n", encoding="utf-8")
    else:  # the confined connection writes no file: a fresh one that holds only the result writes it
        result = duckdb.connect().from_arrow(relation.to_arrow_table())
        if fmt == "csv" and out is None:
            _echo_csv(result)
        elif fmt == "csv":
            result.write_csv(str(out))
        else:
            result.write_parquet(str(out), compression="zstd")
    if out is not None:
        click.echo(f"wrote {out}", err=True)


@cli.group()
def store() -> None:
    """Inspect the feature store."""


@store.command("ls")
@store_option
def store_ls(store: Path) -> None:
    """Summarise the store: per dataset its utterances, dialogues, labels, splits, errors, and feature tables.

    Extractor ids are printed whole (what --features takes), also when the output is piped.
    """
    import duckdb

    summary = duckdb.connect().from_arrow(store_summary(store))
    click.echo(f"store: {store}")
    click.echo(box(summary, max(1, len(summary))))


@cli.command("runs")
@click.option("--dataset", help="Only the runs trained on this dataset.")
@click.option("--model", help="Only the runs of this model.")
@store_option
def list_runs(dataset: str | None, model: str | None, store: Path) -> None:
    """List the trained runs with their scores, and which are promoted.

    Per run: dataset, model, seed, modalities, selected epoch, validation and test weighted F1 (percent), and
    whether it is promoted (what `emoflow predict --model` and the automations use).

    \b
    Examples:
      emoflow runs --store demo/store
      emoflow runs --dataset meld --model bc_lstm
    """
    from emoflow.cli.predict_command import format_rows
    from emoflow.models.training.run_index import run_infos

    infos = run_infos(FeatureStore(store), dataset=dataset, model=model)
    if not infos:
        raise click.ClickException(
            f"no runs in {store}"
            + (" matching the filters" if dataset or model else "")
            + "; emoflow train or emoflow pipeline trains some"
        )
    click.echo(format_rows([info.row() for info in infos]))


@cli.command("demo-corpus")
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.option("--quiet", is_flag=True, help="No progress bar.")
def demo_corpus(out: Path, quiet: bool) -> None:
    """Make the demo corpus in OUT: 12 dialogues, 92 mp4 clips (espeak-ng speech, a moving face), manifest.csv.

    The labels describe the words only; the synthetic voices and the photograph carry no emotion.
    """
    from emoflow.cli.demo_corpus import make_demo_corpus

    made = make_demo_corpus(out, progress=not quiet)
    click.echo(f"{made.manifest}: {made.clips} clips ({made.rendered} rendered, {made.clips - made.rendered} kept)")


def _echo_csv(relation: Any) -> None:
    """Print a relation as CSV (DuckDB writes it to a temporary file: /dev/stdout would truncate a redirect)."""
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "result.csv"
        relation.write_csv(str(path))
        sys.stdout.flush()
        with open(path, "rb") as handle:
            shutil.copyfileobj(handle, sys.stdout.buffer)
        sys.stdout.flush()


cli.add_command(pipeline)
cli.add_command(demo)
cli.add_command(train)
cli.add_command(evaluate)
cli.add_command(list_models)
cli.add_command(predict)


def main() -> None:
    """Entry point of the ``emoflow`` console script."""
    cli(prog_name="emoflow")


if __name__ == "__main__":
    main()
