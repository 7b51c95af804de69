"""Voices and faces that carry emotion: audio extractors on EmoDB and face extractors on CK+48, each speaker- or
subject-independent, through emoflow's own path (ingest a manifest, extract, train, evaluate).

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

CK+48 (``--corpus ck48``; Lucey et al., CVPR Workshops 2010, as 981 grey 48x48 face crops of 7 posed
expressions, the last three frames of each sequence; folder ``CK+48/`` of the public repository
WuJie1010/Facial-Expression-Recognition.Pytorch, passed with ``--ck48 PATH``): each image is a one-frame
utterance; the 118 subjects are split into five folds stratified by class (every ``contempt`` image comes from a
few subjects: a split by subject number alone can leave a class out of training), fold k tested, fold k+1
validated on, the rest trained on.

Run: ``python benchmarks/bench_real_media.py [--corpus emodb|ck48] [--extractors whisper-tiny,compare,is10]
[--models mlp] [--seeds 1,2] [--epochs 60] [--work DIR] [--out FILE.json]``; ``make bench`` runs ``--quick``
(one extractor, one seed, each corpus that is present). Without the data it says so and skips it.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from results_record import spread, write_record

ROOT = Path(__file__).resolve().parents[1]
EMODB = ROOT.parent / "shared" / "data" / "emodb"
EMOTIONS = {"W": "anger", "L": "boredom", "N": "neutral", "F": "happiness", "A": "fear", "T": "sadness", "E": "disgust"}
SPEAKERS = ("03", "08", "09", "10", "11", "12", "13", "14", "15", "16")
AUDIO_EXTRACTORS = {
    "whisper-tiny": [("audio_whisper", {"model": "whisper-tiny.en"})],  # every layer, pooled
    "whisper-tiny-last": [("audio_whisper", {"model": "whisper-tiny.en", "layers": "last"})],
    "whisper-base": [("audio_whisper", {"model": "whisper-base"})],
    "compare": [("opensmile", {"feature_set": "ComParE_2016"})],
    "is10": [("opensmile", {"feature_set": "IS10"})],
    "egemaps": [("opensmile", {"feature_set": "eGeMAPSv02"})],
    "whisper-tiny+compare": [
        ("audio_whisper", {"model": "whisper-tiny.en"}),
        ("opensmile", {"feature_set": "ComParE_2016"}),
    ],
    "is10-bilstm": [("audio_bilstm", {"feature_set": "IS10", "out_dim": 100})],  # the paper profile's audio
}
EFFNET = {"backbone": "efficientnet_lite0", "weights": "imagenet"}
FACE_EXTRACTORS = {
    "effnet-haar": [("visual_cnn", {**EFFNET, "detector": "haar"})],  # the offline profile's visual (before)
    "effnet-mtcnn": [("visual_cnn", {**EFFNET, "detector": "mtcnn"})],
    "expression": [("face_expression", {"output": "both"})],
    "expression-probabilities": [("face_expression", {"output": "probabilities"})],
    "expression-mirror": [("face_expression", {"output": "both", "mirror": True})],
    "effnet+expression": [("visual_cnn", {**EFFNET, "detector": "mtcnn"}), ("face_expression", {"output": "both"})],
}
"""Name -> the extractors whose tables are read side by side (the first is the main table, the rest streams)."""
CK48_EXPRESSIONS = ("anger", "contempt", "disgust", "fear", "happy", "sadness", "surprise")
CK48_HINT = (
    "CK+48 is the folder CK+48/ of https://github.com/WuJie1010/Facial-Expression-Recognition.Pytorch "
    "(git clone --depth 1 it, then --ck48 <clone>/CK+48)"
)


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


def stratified_subject_folds(images: dict[str, list[str]], k: int = 5) -> list[set[str]]:
    """Subjects split into ``k`` folds so each fold holds every class it can: classes are placed rarest first,
    each subject (with all its images) going to the fold that has the fewest images of that class so far."""
    counts = {s: {c: labels.count(c) for c in set(labels)} for s, labels in images.items()}
    folds: list[set[str]] = [set() for _ in range(k)]
    per_fold = [dict.fromkeys(CK48_EXPRESSIONS, 0) for _ in range(k)]
    totals = {c: sum(n.get(c, 0) for n in counts.values()) for c in CK48_EXPRESSIONS}
    placed: set[str] = set()
    for label in sorted(CK48_EXPRESSIONS, key=lambda c: totals[c]):
        for subject in sorted(
            (s for s in counts if label in counts[s] and s not in placed), key=lambda s: (-counts[s][label], s)
        ):
            fold = min(range(k), key=lambda f: (per_fold[f][label], sum(per_fold[f].values()), f))
            folds[fold].add(subject)
            placed.add(subject)
            for c, n in counts[subject].items():
                per_fold[fold][c] += n
    return folds


def write_ck48(ck48: Path, work: Path) -> list[Path]:
    """The images copied into ``work`` (2 MB; media must lie inside the corpus folder) and one manifest per fold
    (one image a dialogue)."""
    images = sorted((p, p.parent.name) for p in ck48.glob("*/*.png") if p.parent.name in CK48_EXPRESSIONS)
    subject = re.compile(r"^(S\d+)_")
    by_subject: dict[str, list[str]] = {}
    for path, label in images:
        match = subject.match(path.name)
        if match is None:
            raise SystemExit(f"{path}: not a CK+ file name (S<subject>_<sequence>_<frame>.png)")
        by_subject.setdefault(match.group(1), []).append(label)
    folds = stratified_subject_folds(by_subject)
    for path, label in images:
        copy = work / label / path.name
        if not copy.is_file():
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, copy)
    manifests = []
    for k in range(len(folds)):
        split = {s: "train" for s in by_subject}
        split.update({s: "test" for s in folds[k]})
        split.update({s: "val" for s in folds[(k + 1) % len(folds)]})
        path = work / f"manifest-fold{k}.csv"
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["dialogue_id", "utterance_id", "turn", "speaker", "label", "split", "video_path"])
            for image, label in images:
                person = image.name.split("_")[0]
                writer.writerow([image.stem, image.stem, 0, person, label, split[person], f"{label}/{image.name}"])
        manifests.append(path)
    return manifests


def write_corpus(emodb: Path, work: Path, sentences: dict[str, str] | None = None) -> list[Path]:
    """The clips copied into ``work/corpus`` and one manifest per fold.

    Without ``sentences`` each utterance is its own dialogue, audio only; with them (sentence code -> text) the
    sentence is the utterance's transcript and a dialogue is one speaker saying one sentence, turn by turn.
    """
    corpus = work / "corpus"
    (corpus / "wav").mkdir(parents=True, exist_ok=True)
    clips = sorted((emodb / "wav").glob("*.wav"))
    for clip in clips:
        if not (corpus / "wav" / clip.name).is_file():
            shutil.copyfile(clip, corpus / "wav" / clip.name)
    manifests = []
    for k, split in enumerate(folds()):
        path = corpus / f"manifest-fold{k}.csv"
        turns: dict[str, int] = {}
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            text = ["text"] if sentences else []
            writer.writerow(["dialogue_id", "utterance_id", "turn", "speaker", *text, "label", "split", "audio_path"])
            for clip in clips:
                speaker, sentence = clip.name[:2], clip.name[2:5]
                dialogue = f"{speaker}-{sentence}" if sentences else clip.stem
                turns[dialogue] = turns.get(dialogue, -1) + 1
                said = [sentences[sentence]] if sentences else []
                label = EMOTIONS[clip.name[5]]
                writer.writerow(
                    [dialogue, clip.stem, turns[dialogue], speaker, *said, label, split[speaker], f"wav/{clip.name}"]
                )
        manifests.append(path)
    return manifests


PROTOCOLS = {
    "emodb": "EmoDB 2.0 s copies, 5 folds of 2 test speakers, 2 val speakers, 6 train speakers; epoch selected on "
    "validation weighted F1; test scored once",
    "ck48": "CK+48 (981 images, 7 expressions), 5 subject folds stratified by class: one tested, the next validated "
    "on, three trained on; epoch selected on validation weighted F1; test scored once",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=("emodb", "ck48"), default="emodb")
    parser.add_argument("--emodb", type=Path, default=EMODB)
    parser.add_argument(
        "--ck48",
        type=Path,
        default=Path(os.environ.get("EMOFLOW_CK48", "CK+48")),
        help="The CK+48 folder (or EMOFLOW_CK48). " + CK48_HINT,
    )
    parser.add_argument("--extractors", help="[emodb: whisper-tiny,compare,is10; ck48: effnet-haar,expression]")
    parser.add_argument("--models", default="mlp")
    parser.add_argument("--seeds", default="1,2")
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--work", type=Path, help="Folder for the corpus copy and the store [a temporary one].")
    parser.add_argument("--out", type=Path, help="Write the results as JSON.")
    parser.add_argument("--quick", action="store_true", help="Two extractors, mlp, seed 1 (make bench).")
    args = parser.parse_args()
    audio = args.corpus == "emodb"
    known = AUDIO_EXTRACTORS if audio else FACE_EXTRACTORS
    if audio and not (args.emodb / "wav").is_dir():
        print(f"EmoDB not found at {args.emodb} (the shared data folder holds it); skipped")
        return
    if not audio and not any(args.ck48.glob("*/S*.png")):
        print(f"CK+48 not found at {args.ck48}; skipped. {CK48_HINT}")
        return
    if args.quick:
        args.extractors = "whisper-tiny,is10" if audio else "effnet-haar,expression"
        args.models, args.seeds = "mlp", "1"
    args.extractors = args.extractors or ("whisper-tiny,compare,is10" if audio else "effnet-haar,expression")
    unknown = [e for e in args.extractors.split(",") if e not in known]
    if unknown:
        raise SystemExit(f"unknown extractors {unknown}; known for {args.corpus}: {', '.join(known)}")

    from emoflow.extractors.registry import create_extractor
    from emoflow.extractors.run import extract_features
    from emoflow.models.training.runs import train_runs
    from emoflow.storage import FeatureStore, ingest_corpus

    work = args.work or Path(tempfile.mkdtemp(prefix=f"emoflow-{args.corpus}-"))
    manifests = write_corpus(args.emodb, work) if audio else write_ck48(args.ck48, work / "corpus")
    modality = "audio" if audio else "visual"
    store = FeatureStore(work / "store")
    datasets = [f"{args.corpus}-fold{k}" for k in range(len(manifests))]
    for manifest, dataset in zip(manifests, datasets, strict=True):
        ingest_corpus(manifest, dataset, store, progress=False)
    seeds = [int(s) for s in args.seeds.split(",")]
    rows = []
    made: dict[str, tuple[str, int, float]] = {}  # extractor config -> (id, dim, ms per utterance)
    keys = args.extractors.split(",")
    for key in keys:
        tables = []
        for name, options in known[key]:
            extractor = create_extractor(name, **options)
            if extractor.extractor_id not in made:
                clock = time.perf_counter()
                report = extract_features(store, datasets[0], extractor, progress=False)
                seconds = time.perf_counter() - clock
                features = store.read_features(datasets[0], modality, extractor.extractor_id)
                lineage = store.feature_lineage(datasets[0], modality, extractor.extractor_id)
                for dataset in datasets[1:]:
                    if extractor.uses_labels:  # trained on the fold's train labels: made per fold
                        extract_features(store, dataset, extractor, progress=False)
                        continue
                    # the same utterances: the features are copied, not made again
                    store.write_features(
                        dataset,
                        modality,
                        extractor.extractor_id,
                        features.utterance_ids,
                        features.dialogue_ids,
                        features.vectors,
                        lineage,
                    )
                per_utterance_ms = 1000 * seconds / max(1, len(features.utterance_ids))
                made[extractor.extractor_id] = (
                    extractor.extractor_id,
                    int(features.vectors.shape[1]),
                    per_utterance_ms,
                )
                print(
                    f"{name} {options}: {extractor.extractor_id}, {features.vectors.shape[1]}-d, "
                    f"{report.summary()}, {per_utterance_ms:.0f} ms/utterance",
                    flush=True,
                )
            tables.append(made[extractor.extractor_id])
        feature_id = "+".join(t[0] for t in tables)
        dim, per_utterance_ms = sum(t[1] for t in tables), sum(t[2] for t in tables)
        print(f"{key}: {feature_id}, {dim}-d, {per_utterance_ms:.0f} ms/utterance", flush=True)
        for model in args.models.split(","):
            tests, uas, vals = [], [], []
            for dataset in datasets:
                results = train_runs(
                    store,
                    dataset,
                    model,
                    [modality],
                    features={modality: feature_id},
                    seeds=seeds,
                    train_overrides={"epochs": args.epochs},
                    progress=False,
                )
                for result in results:
                    assert result.test is not None
                    tests.append(result.test.weighted_f1)
                    uas.append(statistics.mean(c.accuracy for c in result.test.per_class))
                    vals.append(result.val.weighted_f1)
            row = {
                "extractor": key,
                "extractor_id": feature_id,
                "dim": dim,
                "model": model,
                "test_weighted_f1": spread(tests),
                "test_unweighted_accuracy": spread(uas),
                "val_weighted_f1": spread(vals),
                "runs": len(tests),
                "extract_ms_per_utterance": round(per_utterance_ms, 1),
                "test_weighted_f1_values": [round(100 * t, 2) for t in tests],
            }
            rows.append(row)
            print(
                f"  {model}: test WF1 {row['test_weighted_f1']}, UA {row['test_unweighted_accuracy']}, val WF1 "
                f"{row['val_weighted_f1']} ({len(tests)} runs: 5 folds x {len(seeds)} seeds)",
                flush=True,
            )
    if args.out:
        write_record(
            args.out,
            benchmark=f"real-media-{args.corpus}-{modality}",
            protocol=PROTOCOLS[args.corpus],
            title=f"{'Voices on EmoDB' if audio else 'Faces on CK+48'}: {', '.join(e for e in keys)}",
            rows=rows,
        )
        print(f"wrote {args.out}")
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
