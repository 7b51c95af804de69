"""Text encoders side by side: extraction speed per encoder and context setting, and fine-tuning time per epoch.

On the first ``--utterances`` utterances of MELD's train transcripts (../shared/data/meld; the demo corpus's 92
lines when MELD is absent), in one process, after a warm-up pass of each setting (weights loaded, mpnet
unpacked): utterances per second of all-MiniLM-L6-v2 and all-mpnet-base-v2, each alone and reading 3 past and 1
future turns, and of nade's scores; the ratio is to MiniLM alone. Then one fine-tuning epoch of MiniLM, alone
and with context, on ``--finetune`` of those utterances (the rest of the split's labels are not needed), in
seconds per epoch. With a CUDA device every row is also measured there.

Run with ``make bench`` or ``python benchmarks/bench_text_encoders.py [--utterances N] [--finetune N]``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from bench_accuracy import CONTEXT, ENCODERS, MELD  # the accuracy table's corpus and encoder settings

SETTINGS = {
    "MiniLM-L6": ("text_transformer", ENCODERS["minilm"]),
    "MiniLM-L6, context 3/1": ("text_transformer", ENCODERS["minilm"] | CONTEXT),
    "mpnet-base": ("text_transformer", ENCODERS["mpnet"]),
    "mpnet-base, context 3/1": ("text_transformer", ENCODERS["mpnet"] | CONTEXT),
    "nade": ("nade_scores", {}),
}


def corpus_rows(folder: Path, limit: int) -> list:
    """The first ``limit`` utterances (whole dialogues) of MELD's train split, or of the demo corpus."""
    from emoflow.extractors.run import utterance_inputs
    from emoflow.storage import FeatureStore, ingest_corpus

    store = FeatureStore(folder / "store")
    if (MELD / "train_sent_emo.csv").is_file():
        ingest_corpus(MELD, "corpus", store, layout="meld", progress=False)
    else:
        from emoflow.cli.demo_corpus import make_demo_corpus

        print(f"{MELD} holds no MELD transcripts: timing the demo corpus instead")
        ingest_corpus(make_demo_corpus(folder / "demo", progress=False).manifest, "corpus", store, progress=False)
    rows = [r for r in utterance_inputs(store.read_utterances("corpus")) if r.split in ("train", None)]
    return rows[:limit]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--utterances", type=int, default=1000)
    parser.add_argument("--finetune", type=int, default=256)
    args = parser.parse_args()
    import torch

    from emoflow.extractors.registry import create_extractor
    from emoflow.extractors.text_finetune import finetune_text_encoder

    devices = ["cpu", *(["cuda"] if torch.cuda.is_available() else [])]
    with tempfile.TemporaryDirectory() as folder:
        rows = corpus_rows(Path(folder), args.utterances)
        cache = Path(folder) / "cache"
        print(f"\n{len(rows)} utterances, {torch.get_num_threads()} CPU threads\n")
        print("| text encoder | device | utterances / s | vs MiniLM-L6 |\n|---|---|---:|---:|")
        for device in devices:
            rates = {}
            for label, (name, options) in SETTINGS.items():
                extractor = create_extractor(name, **options, **({"device": device} if name != "nade_scores" else {}))
                extractor.extract(rows[:32], cache_dir=cache, progress=False)  # warm-up: weights loaded
                started = time.perf_counter()
                extractor.extract(rows, cache_dir=cache, progress=False)
                rates[label] = len(rows) / (time.perf_counter() - started)
                print(
                    f"| {label} | {device} | {rates[label]:.0f} | {rates[label] / rates['MiniLM-L6']:.2f}x |",
                    flush=True,
                )

        print("\n| fine-tuning MiniLM-L6, one epoch | device | utterances | seconds / epoch | vs alone |")
        print("|---|---|---:|---:|---:|")
        tuned = [replace(r, split="train") for r in rows[: args.finetune]]
        tuned += [replace(r, split="val") for r in rows[args.finetune : args.finetune + args.finetune // 4]]
        for device in devices:
            seconds = {}
            for label in ("MiniLM-L6", "MiniLM-L6, context 3/1"):
                _, options = SETTINGS[label]
                config = create_extractor("text_transformer", **options, finetune_epochs=1).config
                started = time.perf_counter()  # training and the validation pass, not the encoding after it
                _, report = finetune_text_encoder(config, tuned, cache / device / label, device=device, progress=False)
                seconds[label] = time.perf_counter() - started
                print(
                    f"| {label} | {device} | {report['train_utterances']} | {seconds[label]:.1f} | "
                    f"{seconds[label] / seconds['MiniLM-L6']:.2f}x |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
