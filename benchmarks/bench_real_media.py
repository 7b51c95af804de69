"""Voices that carry emotion: audio extractors on EmoDB, speaker-independent, through emoflow's own path.

EmoDB (Burkhardt et al., Interspeech 2005; ../shared/data/emodb, see its README): 535 utterances of acted German
speech, 10 speakers, 7 emotions, here as 22.05 kHz copies cut to 2.0 s. The ten sentences are spoken in every
emotion, so the words carry none: the voice has to.

Protocol: five folds; fold k tests two speakers, validates on the next two and trains on the other six (every
speaker is tested once, never seen in training). For each fold the corpus is ingested as a manifest with those
splits, each extractor's features are made once (the first fold) and reused by the others (the same utterances;
an extractor trained on the labels, the ``audio_bilstm`` encoder, is made per fold from its train split),
and each model is trained per seed with its epoch selected on validation weighted F1 and the test split scored
once. Printed per extractor and model: test weighted F1 and unweighted accuracy (the mean of per-class recalls,
"UA", the measure speech emotion papers report) as mean ± std over folds x seeds, validation weighted F1, and the
extraction cost per utterance; ``--out`` writes them as JSON with the commit, date, machine and command.

Run: ``python benchmarks/bench_real_media.py [--extractors whisper-tiny,compare,is10] [--models mlp]
[--seeds 1,2] [--epochs 60] [--work DIR] [--out FILE.json]``; ``make bench`` runs ``--quick`` (one extractor,
one seed). Without EmoDB it says so and stops.
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EMODB = ROOT.parent / "shared" / "data" / "emodb"
EMOTIONS = {"W": "anger", "L": "boredom", "N": "neutral", "F": "happiness", "A": "fear", "T": "sadness",
            "E": "disgust"}  # fmt: skip
SPEAKERS = ("03", "08", "09", "10", "11", "12", "13", "14", "15", "16")
EXTRACTORS = {
    "whisper-tiny": ("audio_whisper", {"model": "whisper-tiny.en"}),
    "whisper-base": ("audio_whisper", {"model": "whisper-base"}),
    "compare": ("opensmile", {"feature_set": "ComParE_2016"}),
    "is10": ("opensmile", {"feature_set": "IS10"}),
    "egemaps": ("opensmile", {"feature_set": "eGeMAPSv02"}),
    "is10-bilstm": ("audio_bilstm", {"feature_set": "IS10", "out_dim": 100}),  # the offline profile's audio
}


def folds() -> list[dict[str, str]]:
    """Speaker -> split, per fold: two speakers tested, the next two validated on, six trained on."""
    pairs = [SPEAKERS[i : i + 2] for i in range(0, len(SPEAKERS), 2)]
    plans = []
    for k in range(len(pairs)):
        split = {s: "train" for s in SPEAKERS}
        split.update({s: "test" for s in pairs[k]})
        split.update({s: "val" for s in pairs[(k + 1) % len(pairs)]})
        plans.append(split)
    return plans


def write_corpus(emodb: Path, work: Path) -> list[Path]:
    """The clips copied into ``work/corpus`` and one manifest per fold (one utterance a dialogue)."""
    corpus = work / "corpus"
    (corpus / "wav").mkdir(parents=True, exist_ok=True)
    clips = sorted((emodb / "wav").glob("*.wav"))
    for clip in clips:
        if not (corpus / "wav" / clip.name).is_file():
            shutil.copyfile(clip, corpus / "wav" / clip.name)
    manifests = []
    for k, split in enumerate(folds()):
        path = corpus / f"manifest-fold{k}.csv"
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["dialogue_id", "utterance_id", "turn", "speaker", "label", "split", "audio_path"])
            for clip in clips:
                speaker = clip.name[:2]
                writer.writerow([clip.stem, clip.stem, 0, speaker, EMOTIONS[clip.name[5]], split[speaker],
                                 f"wav/{clip.name}"])  # fmt: skip
        manifests.append(path)
    return manifests


def spread(values: list[float]) -> str:
    """Mean ± sample standard deviation, in percent."""
    values = [100 * v for v in values]
    return f"{statistics.mean(values):.2f} ± {statistics.stdev(values) if len(values) > 1 else 0.0:.2f}"


def commit() -> str:
    """The checkout's commit, ``-dirty`` when files differ from it (``unknown`` outside git)."""
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    changed = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True,
                             text=True).stdout.strip()  # fmt: skip
    return (done.stdout.strip() or "unknown") + ("-dirty" if changed else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emodb", type=Path, default=EMODB)
    parser.add_argument("--extractors", default="whisper-tiny,compare,is10")
    parser.add_argument("--models", default="mlp")
    parser.add_argument("--seeds", default="1,2")
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--work", type=Path, help="Folder for the corpus copy and the store [a temporary one].")
    parser.add_argument("--out", type=Path, help="Write the results as JSON.")
    parser.add_argument("--quick", action="store_true", help="whisper-tiny and is10, mlp, seed 1 (make bench).")
    args = parser.parse_args()
    if not (args.emodb / "wav").is_dir():
        print(f"EmoDB not found at {args.emodb} (the shared data folder holds it); skipped")
        return
    if args.quick:
        args.extractors, args.models, args.seeds = "whisper-tiny,is10", "mlp", "1"
    unknown = [e for e in args.extractors.split(",") if e not in EXTRACTORS]
    if unknown:
        raise SystemExit(f"unknown extractors {unknown}; known: {', '.join(EXTRACTORS)}")

    from emoflow.extractors.registry import create_extractor
    from emoflow.extractors.run import extract_features
    from emoflow.models.training.runs import train_runs
    from emoflow.storage import FeatureStore, ingest_corpus

    work = args.work or Path(tempfile.mkdtemp(prefix="emoflow-emodb-"))
    manifests = write_corpus(args.emodb, work)
    store = FeatureStore(work / "store")
    datasets = [f"emodb-fold{k}" for k in range(len(manifests))]
    for manifest, dataset in zip(manifests, datasets, strict=True):
        ingest_corpus(manifest, dataset, store, progress=False)
    seeds = [int(s) for s in args.seeds.split(",")]
    rows = []
    for key in args.extractors.split(","):
        name, options = EXTRACTORS[key]
        extractor = create_extractor(name, **options)
        clock = time.perf_counter()
        report = extract_features(store, datasets[0], extractor, progress=False)
        seconds = time.perf_counter() - clock
        features = store.read_features(datasets[0], "audio", extractor.extractor_id)
        lineage = store.feature_lineage(datasets[0], "audio", extractor.extractor_id)
        for dataset in datasets[1:]:
            if extractor.uses_labels:  # trained on the fold's train labels: made per fold
                extract_features(store, dataset, extractor, progress=False)
                continue
            # the same utterances: the features are copied, not made again
            store.write_features(dataset, "audio", extractor.extractor_id, features.utterance_ids,
                                 features.dialogue_ids, features.vectors, lineage)  # fmt: skip
        per_utterance_ms = 1000 * seconds / max(1, len(features.utterance_ids))
        print(f"{key}: {extractor.extractor_id}, {features.vectors.shape[1]}-d, {report.summary()}, "
              f"{per_utterance_ms:.0f} ms/utterance", flush=True)  # fmt: skip
        for model in args.models.split(","):
            tests, uas, vals = [], [], []
            for dataset in datasets:
                results = train_runs(store, dataset, model, ["audio"], features={"audio": extractor.extractor_id},
                                     seeds=seeds, train_overrides={"epochs": args.epochs}, progress=False)  # fmt: skip
                for result in results:
                    assert result.test is not None
                    tests.append(result.test.weighted_f1)
                    uas.append(statistics.mean(c.accuracy for c in result.test.per_class))
                    vals.append(result.val.weighted_f1)
            row = {"extractor": key, "extractor_id": extractor.extractor_id, "dim": int(features.vectors.shape[1]),
                   "model": model, "test_weighted_f1": spread(tests), "test_unweighted_accuracy": spread(uas),
                   "val_weighted_f1": spread(vals), "runs": len(tests),
                   "extract_ms_per_utterance": round(per_utterance_ms, 1),
                   "test_weighted_f1_values": [round(100 * t, 2) for t in tests]}  # fmt: skip
            rows.append(row)
            print(
                f"  {model}: test WF1 {row['test_weighted_f1']}, UA {row['test_unweighted_accuracy']}, val WF1 "
                f"{row['val_weighted_f1']} ({len(tests)} runs: 5 folds x {len(seeds)} seeds)",
                flush=True,
            )
    if args.out:
        record = {
            "benchmark": "real-media-emodb-audio",
            "commit": commit(),
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": f"{platform.node()} ({platform.machine()}, {platform.processor() or 'cpu'}), "
            f"{__import__('os').cpu_count()} cores, no GPU",
            "command": " ".join([Path(sys.executable).name, *sys.argv]),
            "protocol": "EmoDB 2.0 s copies, 5 folds of 2 test speakers, 2 val speakers, 6 train speakers; epoch "
            "selected on validation weighted F1; test scored once",
            "rows": rows,
        }
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(record, indent=2) + "\n")
        print(f"wrote {args.out}")
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
