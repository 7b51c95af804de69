"""``emoflow train``, ``emoflow evaluate`` and ``emoflow models``: graph models on the store's features."""

from __future__ import annotations

from pathlib import Path

import click

from emoflow.cli.options import (
    FORMAT_OPTION,
    csv_list,
    echo_options,
    feature_choice,
    given_settings,
    modalities_option,
    settings_option,
    store_option,
)
from emoflow.storage import FeatureStore


@click.command()
@click.option("--dataset", required=True, help="A dataset in the store with extracted features.")
@click.option("--model", required=True, help="Model name (see `emoflow models`): mlp, bc_lstm, dialoguegcn, ...")
@modalities_option("text,audio,visual", "Modalities to train on, comma-separated or repeated.")
@click.option(
    "--features",
    "feature_pairs",
    multiple=True,
    metavar="MODALITY=EXTRACTOR_ID",
    help="Which feature table to use per modality (comma-separated or repeated); needed only when the store "
    "holds several for a modality. `emoflow store ls` lists them. MAIN+STREAM appends a second table to the "
    "first (text=text_transformer-<id>+nade_scores-<id>).",
)
@click.option("--epochs", type=int, help="Override the settings' epoch count.")
@click.option("--seeds", default="1", show_default=True, help="Comma-separated seeds; several give mean ± std.")
@click.option(
    "--settings",
    help="A YAML file of model settings (default: configs/models/<model>.yaml).",
)
@settings_option("model", was_set=True)
@settings_option("train")
@click.option("--device", default="auto", show_default=True, help="auto (CUDA when present), cpu, cuda, cuda:N.")
@store_option
@click.option("--quiet", is_flag=True, help="No progress bars.")
def train(
    dataset: str,
    model: str,
    modalities: tuple[str, ...],
    feature_pairs: tuple[str, ...],
    epochs: int | None,
    seeds: str,
    settings: str | None,
    model_settings: tuple[str, ...],
    old_settings: tuple[str, ...],
    train_settings: tuple[str, ...],
    device: str,
    store: Path,
    quiet: bool,
) -> None:
    """Train a dialogue model, select its epoch on validation, score the test split once.

    \b
    Each seed is one run: runs/<run id>/ holds the config, the checkpoint of the validation-best epoch,
    metrics.json, report.md (per-class table), confusion.png and curves.png; predictions/run=<run id>/ holds
    every val and test prediction with its probabilities. Hyperparameters come from configs/models/<model>.yaml.

    \b
    Example:
      emoflow train --dataset demo --model dialoguegcn --modalities text,audio --epochs 20 --seeds 1,2,3
    """
    from emoflow.models.training.option_checks import check_model_options, check_training_data

    chosen = list(modalities)
    seed_list = [int(s) for s in csv_list(seeds, "seed", integers=True)]
    train_overrides = {**given_settings("train", train_settings), "device": device}
    if epochs is not None:
        train_overrides["epochs"] = epochs
    model_overrides = given_settings("model", model_settings, old_settings)
    features = feature_choice(feature_pairs)
    feature_store = FeatureStore(store)
    check_model_options([model], settings=settings, model_overrides=model_overrides, train_overrides=train_overrides)
    check_training_data(feature_store, dataset, chosen, features)  # all before torch is imported

    from emoflow.models.training.runs import seed_summary, train_runs

    results = train_runs(
        feature_store,
        dataset,
        model,
        chosen,
        features=features,
        seeds=seed_list,
        settings=settings,
        model_overrides=model_overrides,
        train_overrides=train_overrides,
        progress=not quiet,
    )
    for result in results:
        click.echo(result.summary())
    split = "test" if results[0].test else "val"
    summary = seed_summary(results)
    names = {"weighted_f1": "weighted F1", "accuracy": "accuracy", "macro_f1": "macro F1"}
    line = ", ".join(f"{names[key]} {mean:.2f} ± {std:.2f}" for key, (mean, std) in summary.items())
    click.echo(f"{model} on {dataset} ({', '.join(chosen)}), {split}, {len(results)} seed(s): {line}")
    click.echo(f"runs: {store / 'runs'}; per-class tables in each run's report.md")


@click.command()
@click.argument("run_id")
@click.option("--device", default="auto", show_default=True, help="auto (CUDA when present), cpu, cuda, cuda:N.")
@store_option
@click.option("--quiet", is_flag=True, help="Print the one summary line, not the per-class table.")
def evaluate(run_id: str, device: str, store: Path, quiet: bool) -> None:
    """Re-score RUN_ID with its checkpoint on the store's current features; rewrite its metrics and predictions."""
    from emoflow.models.training.run_index import check_run

    feature_store = FeatureStore(store)
    check_run(feature_store, run_id)  # before torch is imported
    from emoflow.models.training.metrics import paper_table
    from emoflow.models.training.runs import evaluate_run

    result = evaluate_run(feature_store, run_id, device=device)
    click.echo(result.summary())
    if quiet:
        return
    rows = {"val": result.val, **({"test": result.test} if result.test else {})}
    click.echo(paper_table(rows))


@click.group("models", invoke_without_command=True)
@FORMAT_OPTION
@click.pass_context
def list_models(context: click.Context, output_format: str) -> None:
    """List the models and the training options (types, ranges, defaults); `models show RUN_ID` shows a run.

    \b
    Examples:
      emoflow models
      emoflow models --format markdown
      emoflow models show dialoguegcn-demo-0a1b2c3d4e-s1 --store demo/store
    """
    if context.invoked_subcommand is not None:
        return
    from emoflow.models.registry import MODELS
    from emoflow.models.training.settings import TrainConfig

    markdown = output_format == "markdown"
    for name, config_class in MODELS.config_classes().items():
        echo_options(name, config_class, MODELS.summary(name), markdown=markdown)
    echo_options("training (--train-set)", TrainConfig, "Options of every model's training.", markdown=markdown)
    if not markdown:
        click.echo("settings with sources: emoflow:configs/models/<model>.yaml (or --settings FILE)")


@list_models.command("show")
@click.argument("run_id")
@store_option
def show_model(run_id: str, store: Path) -> None:
    """Print RUN_ID's model card: training data, feature recipe, hyperparameters, metrics, limitations."""
    from emoflow.models.training.model_card import CARD_FILE
    from emoflow.models.training.run_index import check_run

    feature_store = FeatureStore(store)
    check_run(feature_store, run_id)  # an unknown run is a clear error listing the runs
    card = feature_store.run_dir(run_id) / CARD_FILE
    if not card.is_file():
        raise click.ClickException(
            f"run {run_id} has no model card (trained by an older emoflow): emoflow evaluate {run_id} writes one"
        )
    click.echo(card.read_text())
