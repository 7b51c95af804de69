"""``emoflow pipeline`` and ``emoflow demo``: the ``pipeline`` flow from the command line.

Without ``PREFECT_API_URL`` the flow runs against a temporary local Prefect server that the command starts and
stops (:mod:`emoflow.cli.temporary_server`); with it, the run shows up on that server or on Prefect Cloud.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from emoflow.cli.console import quiet_prefect_console, quiet_prefect_tracebacks
from emoflow.cli.options import (
    csv_list,
    feature_choice,
    given_settings,
    modalities_option,
    profile_option,
    settings_option,
    store_option,
)
from emoflow.models.training.option_checks import check_pipeline_options
from emoflow.storage import FeatureStore
from emoflow.storage.corpora import LAYOUTS
from emoflow.storage.query import connect

EXAMPLE_QUERIES = (
    "SELECT split, count(DISTINCT dialogue_id) AS dialogues, count(*) AS utterances FROM utterances "
    "GROUP BY split ORDER BY split",
    "SELECT modality, extractor, len(any_value(vector)) AS dim, count(*) AS utterances FROM features "
    "GROUP BY ALL ORDER BY ALL",
    "SELECT label, predicted, count(*) AS n FROM predictions WHERE split = 'test' GROUP BY ALL ORDER BY n DESC "
    "LIMIT 10",
)
TRANSCRIPT_QUERY = (
    "SELECT t.speaker, round(t.start_s, 1) AS start_s, round(t.end_s, 1) AS end_s, p.predicted, t.text "
    "FROM transcripts t JOIN predictions p USING (dataset, utterance_id) WHERE t.dataset = 'long-recordings' "
    "ORDER BY t.start_s"
)


def run_pipeline_command(task_runner: str | None, *, quiet: bool = False, **parameters: Any) -> None:
    """Run the ``pipeline`` flow (on ``task_runner`` when given) and print what it did.

    Without ``PREFECT_API_URL`` the command's own temporary Prefect server serves the run and is stopped when
    the command ends, whatever the outcome (:mod:`emoflow.cli.temporary_server`).
    """
    from emoflow.cli.temporary_server import temporary_server

    with temporary_server() as server_ready:  # boots while the flow's modules import
        from emoflow.flows.pipeline_flow import pipeline as pipeline_flow
        from emoflow.flows.task_runner import make_task_runner

        if not click.get_current_context().find_root().params.get("debug"):
            quiet_prefect_tracebacks()
        if quiet:
            quiet_prefect_console()
        runner = make_task_runner(task_runner)  # a bad spec or a missing cluster package fails here
        address = getattr(runner, "address", None)
        if address:
            from emoflow.flows.dask_task_runner import check_scheduler

            check_scheduler(address)  # before a flow run is created
        runnable = pipeline_flow.with_options(task_runner=runner)
        server_ready()
        result: dict[str, Any] = runnable(**parameters)
    store = FeatureStore(result["store"])
    click.echo(f"\npipeline on {result['dataset']}: {result['summary']}")
    for run in result["runs"]:
        click.echo((store.run_dir(run["run_id"]) / "report.md").read_text())


def echo_examples(store: Path, queries: tuple[str, ...] = EXAMPLE_QUERIES) -> None:
    """Print example queries over ``store`` with their results."""
    con = connect(store)
    for sql in queries:
        click.echo(f'\n$ emoflow query --store {store} "{sql}"')
        click.echo(con.sql(sql))


@click.command()
@click.option(
    "--corpus",
    required=True,
    type=click.Path(exists=True, path_type=Path),
    help="A manifest (.csv/.parquet, or a folder with manifest.csv), or a MELD/IEMOCAP folder.",
)
@click.option("--dataset", help="Dataset name in the store [default: the corpus folder's name].")
@click.option(
    "--layout",
    type=click.Choice(["auto", *LAYOUTS]),
    default="auto",
    show_default=True,
    help="How CORPUS is laid out: a manifest, MELD's or IEMOCAP's own layout (auto detects it). Long "
    "recordings (--layout recordings) carry no labels to train on: ingest them with emoflow ingest, or "
    "predict them with emoflow predict.",
)
@profile_option
@modalities_option("text,audio,visual", "Modalities to extract, comma-separated or repeated.")
@settings_option("extractor", was_set=True)
@click.option(
    "--features",
    "feature_pairs",
    multiple=True,
    metavar="MODALITY=EXTRACTOR_ID",
    help="Feature table to train on per modality, MAIN+STREAM to append a second one [default: the "
    "profile's last extractor, with its feature streams].",
)
@click.option("--models", default="dialoguegcn", show_default=True, help="Comma-separated models (emoflow models).")
@click.option("--seeds", default="1", show_default=True, help="Comma-separated seeds: one run per model and seed.")
@click.option("--epochs", type=int, help="Override the settings' epoch count.")
@settings_option("model")
@settings_option("train")
@click.option("--device", default="auto", show_default=True, help="auto (CUDA when present), cpu, cuda, cuda:N.")
@click.option("--chunk-size", type=int, default=1000, show_default=True, help="Utterances per extraction task.")
@click.option(
    "--task-runner",
    help="threads, dask (a LocalCluster), a Dask address tcp://host:8786, or a "
    "cluster spec as JSON/YAML or a .yaml file (docs/orchestration.md) "
    "[default: $EMOFLOW_TASK_RUNNER or threads].",
)
@click.option("--refresh", is_flag=True, help="Run every task even when its result is cached.")
@click.option(
    "--task-timeout",
    "task_timeout_s",
    type=click.FloatRange(min=0, min_open=True),
    metavar="SECONDS",
    help="Fail a task (an extraction chunk, a training run) that runs longer; not retried.",
)
@store_option
@click.option("--quiet", is_flag=True, help="Print only warnings, errors and the results (not every task's log).")
def pipeline(
    corpus: Path,
    dataset: str | None,
    layout: str,
    profile: str,
    modalities: tuple[str, ...],
    extractor_settings: tuple[str, ...],
    old_settings: tuple[str, ...],
    feature_pairs: tuple[str, ...],
    models: str,
    seeds: str,
    epochs: int | None,
    model_settings: tuple[str, ...],
    train_settings: tuple[str, ...],
    device: str,
    chunk_size: int,
    task_runner: str | None,
    refresh: bool,
    task_timeout_s: float | None,
    store: Path,
    quiet: bool,
) -> None:
    """Run the whole DAG: ingest CORPUS, extract features, train and evaluate models (the `pipeline` flow).

    Every task is cached by content: a second run with nothing changed runs no task and says so.

    \b
    Examples:
      emoflow pipeline --corpus demo/corpus --epochs 5
      emoflow pipeline --corpus ../shared/data/meld --layout meld --modalities text \\
          --models mlp,bc_lstm,dialoguegcn,mmgcn,amb_dsgdn --seeds 1,2,3
      emoflow pipeline --corpus data/meld --layout meld --profile paper --device cuda --task-runner dask
    """
    parameters: dict[str, Any] = dict(
        corpus=str(corpus),
        dataset=dataset,
        store=str(store),
        layout=layout,
        profile=profile,
        modalities=list(modalities),
        extractor_overrides=given_settings("extractor", extractor_settings, old_settings),
        features=feature_choice(feature_pairs),
        models=csv_list(models, "model"),
        seeds=[int(s) for s in csv_list(seeds, "seed", integers=True)],
        epochs=epochs,
        model_overrides=given_settings("model", model_settings),
        train_overrides=given_settings("train", train_settings),
        device=device,
        chunk_size=chunk_size,
        refresh=refresh,
        task_timeout_s=task_timeout_s,
    )
    check_pipeline_options(**parameters)  # about a second, before a server, a flow or any work
    run_pipeline_command(task_runner, quiet=quiet, **parameters)
    click.echo(f"store: {store.resolve()}")


DEMO_TRAINING = {"lr": 0.003, "batch_size": 2}
"""The demo's training settings: 60 train utterances in 8 dialogues make one batch of 16 dialogues per epoch at
the settings files' values, far too few steps; two dialogues a batch and a higher rate let the model learn."""


@click.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("demo"), show_default=True)
@click.option("--model", default="bc_lstm", show_default=True, help="The model to train (emoflow models).")
@click.option("--epochs", type=int, default=40, show_default=True, help="Training epochs.")
@modalities_option("text,audio,visual", "Modalities to extract, comma-separated or repeated.")
@click.option(
    "--train-on",
    default="text",
    show_default=True,
    help="Modalities to train on (the demo's labels are in its words; its speech and faces carry no emotion).",
)
@click.option("--quiet", is_flag=True, help="No progress bar while the corpus is made.")
def demo(out: Path, model: str, epochs: int, modalities: tuple[str, ...], train_on: str, quiet: bool) -> None:
    """Make the demo corpus, run the pipeline on it, then predict a new conversation (what `make demo` runs).

    The corpus (12 dialogues, 92 clips) goes to OUT/corpus, the store to OUT/store. The pipeline ingests it,
    extracts text, audio and visual features with the offline profile, trains MODEL on its text, evaluates
    it, and prints the metrics table next to the majority-class baseline, and example queries. Then a call the
    model never saw is rendered without labels into OUT/new-recordings and predicted (emoflow predict): its
    timeline summary and the PNG's path are printed. Last, the same call as one long mp4 with no transcript
    (OUT/long-recordings) is segmented, transcribed and split by speaker, then predicted (--layout recordings).
    A second run is served from the cache.
    """
    from emoflow.cli.demo_corpus import make_demo_corpus, make_new_recordings
    from emoflow.cli.demo_corpus.conversations import make_long_recordings

    made = make_demo_corpus(out / "corpus", progress=not quiet)
    click.echo(f"corpus: {made.manifest} ({made.clips} clips, {made.rendered} rendered now)")
    store = out / "store"
    run_pipeline_command(
        None,
        corpus=str(made.manifest),
        dataset="demo",
        store=str(store),
        profile="offline",
        models=[model],
        modalities=list(modalities),
        train_modalities=csv_list(train_on, "modality"),
        epochs=epochs,
        train_overrides=DEMO_TRAINING,
    )
    click.echo(majority_baseline_line(FeatureStore(store), "demo"))
    echo_examples(store)
    new = make_new_recordings(out / "new-recordings", progress=not quiet)
    show_prediction(new.manifest, store, "new-recordings", model)
    show_prediction(make_long_recordings(out / "long-recordings"), store, "long-recordings", model, layout="recordings")
    echo_examples(store, (TRANSCRIPT_QUERY,))
    click.echo(f"\nThe store is at {store.resolve()}. More in docs/feature-store.md and docs/orchestration.md.")


def show_prediction(corpus: Path, store: Path, dataset: str, model: str, *, layout: str = "auto") -> None:
    """Predict ``corpus`` with the demo's model as ``emoflow predict`` does, printing the command and results."""
    from emoflow.cli.predict_command import format_rows
    from emoflow.models.prediction import predict_corpus, summary_table

    flag = "" if layout == "auto" else f" --layout {layout}"
    click.echo(f"\n$ emoflow predict --corpus {corpus}{flag} --model {model} --trained-on demo --store {store}")
    result = predict_corpus(
        corpus,
        FeatureStore(store),
        dataset=dataset,
        layout=layout,
        model=model,
        trained_on="demo",
        progress=False,
        log=click.echo,
    )
    click.echo(format_rows(summary_table(result.summaries).to_pylist()))
    for dialogue, path in result.timelines.items():
        click.echo(f"timeline of {dialogue}: {path.resolve()}")


def majority_baseline_line(store: FeatureStore, dataset: str) -> str:
    """The test weighted F1 of always predicting the train split's most frequent label, for comparison."""
    from collections import Counter

    from emoflow.core.selection import weighted_f1

    rows = store.read_utterances(dataset).select(["label", "split"]).to_pylist()
    train = Counter(r["label"] for r in rows if r["split"] == "train" and r["label"])
    gold = [r["label"] for r in rows if r["split"] == "test" and r["label"]]
    if not train or not gold:
        return "majority-class baseline: no labelled train and test utterances"
    majority = train.most_common(1)[0][0]
    score = weighted_f1(gold, [majority] * len(gold))
    return f"majority-class baseline (always '{majority}'): test weighted F1 {100 * score:.2f}"
