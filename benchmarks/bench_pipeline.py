"""The pipeline end to end: cold versus warm on the demo corpus, and the MELD text-only table.

1. Cold versus warm: ``pipeline`` on the demo corpus (offline profile, all three modalities, dialoguegcn, 10
   epochs) into a new store, then again with nothing changed; the second run is served from the cache. Both
   times are wall-clock seconds of the flow call in this process (the temporary Prefect server is started
   before the first, so neither pays for it); the ratio is measured side by side in one run.
2. MELD, text only: ``pipeline`` on the MELD transcripts (../shared/data/meld, no media) with the offline
   sentence encoder (all-MiniLM-L6-v2, 384-d), frozen and then fine-tuned on the train labels, training the
   mlp, bc_lstm, DialogueGCN, MMGCN and AMB-DSGDN with 3 seeds each, epochs selected on validation; test
   weighted F1 and accuracy as mean ± std over seeds, next to the papers' text-only rows (their RoBERTa
   features differ: see the README).

Run with ``make bench`` or ``python benchmarks/bench_pipeline.py [--skip-meld] [--meld-epochs N]``; the MELD
store (default /tmp/emoflow-bench/meld) keeps its cache between invocations.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MELD = ROOT.parent / "shared" / "data" / "meld"
MODELS = ["mlp", "bc_lstm", "dialoguegcn", "mmgcn", "amb_dsgdn"]
PAPERS = {"AR-IIGCN, Table III (text)": 60.1, "AMB-DSGDN, Table 4 (text)": 65.78}
ENCODERS = {
    "frozen": {},
    "fine-tuned": {"finetune_epochs": 2, "finetune_lr": 3.0e-5},  # a choice for a 6-layer encoder on 2 CPUs
}


def cold_versus_warm(pipeline) -> None:
    from emoflow.cli.demo_corpus import make_demo_corpus

    with tempfile.TemporaryDirectory() as folder:
        corpus = make_demo_corpus(Path(folder) / "corpus", progress=False).manifest
        times, summaries = [], []
        for _ in range(2):
            started = time.perf_counter()
            result = pipeline(corpus=str(corpus), dataset="demo", store=f"{folder}/store", profile="offline", epochs=10)
            times.append(time.perf_counter() - started)
            summaries.append(result["summary"])
    print("\n| demo pipeline | seconds | tasks |\n|---|---|---|")
    print(f"| cold (new store) | {times[0]:.1f} | {summaries[0]} |")
    print(f"| warm (nothing changed) | {times[1]:.1f} | {summaries[1]} |")
    print(f"cold / warm: {times[0] / times[1]:.1f}x")


def meld_table(pipeline, store: str, epochs: int | None) -> None:
    if not (MELD / "train_sent_emo.csv").is_file():
        print(f"MELD table skipped: {MELD} holds no MELD transcripts")
        return
    rows = []
    for encoder, overrides in ENCODERS.items():
        started = time.perf_counter()
        result = pipeline(
            corpus=str(MELD),
            dataset="meld",
            store=store,
            layout="meld",
            profile="offline",
            modalities=["text"],
            extractor_overrides=overrides,
            models=MODELS,
            seeds=[1, 2, 3],
            epochs=epochs,
        )
        minutes = (time.perf_counter() - started) / 60
        print(f"MELD text, {encoder} encoder: {result['summary']} in {minutes:.1f} min", flush=True)
        for model in MODELS:
            runs = [r for r in result["runs"] if r["run_id"].startswith(f"{model}-")]
            metrics = [json.loads(Path(r["metrics"]).read_text()) for r in runs]
            rows.append((model, encoder, metrics))
    print("\n| model | text encoder | test weighted F1 | test accuracy | val weighted F1 | epochs (selected) |")
    print("|---|---|---|---|---|---|")
    for model, encoder, metrics in rows:
        cells = [
            _mean_std([100 * m[s][k] for m in metrics])
            for s, k in (("test", "weighted_f1"), ("test", "accuracy"), ("val", "weighted_f1"))
        ]
        selected = ", ".join(str(m["epoch"]) for m in metrics)
        print(f"| {model} | MiniLM-L6 {encoder} | {' | '.join(cells)} | {selected} |")
    for paper, value in PAPERS.items():
        print(f"| {paper} | RoBERTa | {value:.2f} | | | |")


def _mean_std(values: list[float]) -> str:
    return f"{statistics.mean(values):.2f} ± {statistics.stdev(values) if len(values) > 1 else 0.0:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-meld", action="store_true", help="Only the cold/warm comparison.")
    parser.add_argument("--skip-demo", action="store_true", help="Only the MELD table.")
    parser.add_argument(
        "--meld-epochs", type=int, default=30, help="Epoch cap for every model on MELD (patience as configured) [30]."
    )
    parser.add_argument("--store", default="/tmp/emoflow-bench/meld", help="Store of the MELD runs (kept).")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    sys.path.insert(0, str(ROOT))
    from prefect.testing.utilities import prefect_test_harness

    from emoflow.flows.pipeline_flow import pipeline

    with prefect_test_harness(server_startup_timeout=120):
        if not args.skip_demo:
            if shutil.which("ffmpeg") and shutil.which("espeak-ng"):
                cold_versus_warm(pipeline)
            else:
                print("demo cold/warm skipped: ffmpeg or espeak-ng missing (make setup installs them)")
        if not args.skip_meld:
            meld_table(pipeline, args.store, args.meld_epochs)


if __name__ == "__main__":
    main()
