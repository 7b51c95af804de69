"""`emoflow predict`: a trained (or promoted) model on new recordings, one emotion per utterance."""

from __future__ import annotations

from pathlib import Path

import click

from emoflow.cli.options import recordings_options, recordings_reader_options, store_option
from emoflow.recordings.layouts import ALL_LAYOUTS
from emoflow.storage import FeatureStore

TIMELINES_LISTED = 5


@click.command()
@click.option(
    "--corpus",
    required=True,
    type=click.Path(exists=True, path_type=Path),
    help="New recordings: a manifest (.csv/.parquet, or a folder with manifest.csv; label and split "
    "columns optional), a MELD/IEMOCAP folder, or a folder of long recordings.",
)
@click.option("--dataset", help="Name of the new recordings in the store [default: the corpus folder's name].")
@click.option("--layout", type=click.Choice(["auto", *ALL_LAYOUTS]), default="auto", show_default=True)
@click.option("--model", help="Model name: its promoted run for --trained-on, else its best run by validation F1.")
@click.option(
    "--run",
    "run_id",
    help='A run id instead of --model (emoflow query "SELECT DISTINCT run FROM predictions", or the runs/ folder).',
)
@click.option("--trained-on", help="The dataset the model was trained on [default: the only one it was].")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the predictions to FILE.csv (p_<class> column per class) or FILE.parquet.",
)
@click.option("--device", default="auto", show_default=True, help="auto (CUDA when present), cpu, cuda, cuda:N.")
@click.option("--no-timelines", is_flag=True, help="Do not draw the per-dialogue timeline PNGs.")
@recordings_options
@click.option("--quiet", is_flag=True, help="No progress bars.")
@store_option
def predict(
    corpus: Path,
    dataset: str | None,
    layout: str,
    model: str | None,
    run_id: str | None,
    trained_on: str | None,
    out: Path | None,
    device: str,
    no_timelines: bool,
    speakers: int | None,
    asr_model: str | None,
    language: str | None,
    quiet: bool,
    store: Path,
) -> None:
    """Predict an emotion for every utterance of CORPUS with a trained model.

    The corpus is ingested (labels and splits optional), its features are made the way the model's own were
    (the run's feature recipe: same extractors and settings, trained encoders reused, nothing trained on the
    new data), and every utterance gets a predicted emotion with its probabilities, written to the store's
    predictions table (purpose 'prediction'). Prints a summary per dialogue and draws one timeline PNG per
    dialogue; when the corpus has labels, prints the metrics too.

    \b
    Examples:
      emoflow predict --corpus demo/new-recordings --model bc_lstm --trained-on demo --store demo/store
      emoflow predict --corpus new-calls --run mlp-meld-0a1b2c3d4e-s1 --out predictions.csv
      emoflow predict --corpus meetings/ --layout recordings --model bc_lstm --trained-on meld
    """
    from emoflow.models.training.option_checks import check_prediction_model

    feature_store = FeatureStore(store)
    check_prediction_model(feature_store, run=run_id, model=model)  # before torch is imported
    from emoflow.models.prediction import predict_corpus, summary_table, write_predictions_file
    from emoflow.models.training.metrics import paper_table

    result = predict_corpus(
        corpus,
        feature_store,
        dataset=dataset,
        layout=layout,
        run=run_id,
        model=model,
        trained_on=trained_on,
        device=device,
        timelines=not no_timelines,
        progress=not quiet,
        log=click.echo,
        reader_options=recordings_reader_options(speakers, asr_model, language),
    )
    click.echo(f"\n{result.table.num_rows} utterances of {result.dataset} in {len(result.summaries)} dialogues:")
    click.echo(format_rows(summary_table(result.summaries).to_pylist()))
    if result.metrics is not None:
        click.echo(f"\nlabelled utterances of {result.dataset}:\n{paper_table({result.run_id: result.metrics})}")
    click.echo(
        f'\npredictions: {result.path} (emoflow query "SELECT * FROM predictions WHERE dataset = '
        f"'{result.dataset}' AND purpose = 'prediction'\")"
    )
    if result.timelines:
        paths = list(result.timelines.values())
        click.echo(f"timelines: {paths[0].parent}/ ({len(paths)} PNGs)")
        for path in paths[:TIMELINES_LISTED]:
            click.echo(f"  {path}")
    if out is not None:
        click.echo(f"written: {write_predictions_file(result.table, out)}")


def format_rows(rows: list[dict[str, object]]) -> str:
    """Rows as an aligned plain-text table."""
    if not rows:
        return "(none)"
    columns = list(rows[0])
    widths = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in columns}
    lines = ["  ".join(c.ljust(widths[c]) for c in columns), "  ".join("-" * widths[c] for c in columns)]
    lines += ["  ".join(str(r[c]).ljust(widths[c]) for c in columns) for r in rows]
    return "\n".join(lines)
