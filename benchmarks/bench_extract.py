"""Extraction speed on the demo corpus (92 utterances), batched versus one utterance at a time, in one run.

For each extractor of the offline profile: utterances per second with the profile's settings (batched,
parallel decoding) and with ``batch_size=1, workers=1`` (one utterance at a time), on the same inputs, after a
warm-up run (model files and media in the page cache; the audio encoder already trained and cached). On a
machine with a CUDA GPU the table gets GPU rows too. ``--utterances N`` takes the first N utterances.

Prints a Markdown table; run with `make bench` or `python benchmarks/bench_extract.py`.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from emoflow.cli.demo_corpus import make_demo_corpus
from emoflow.core.registry import option_names
from emoflow.extractors.base import Extractor
from emoflow.extractors.profiles import profile_extractors
from emoflow.extractors.run import utterance_inputs
from emoflow.storage import FeatureStore, ingest_corpus

ONE_AT_A_TIME = {"batch_size": 1, "workers": 1}


def rate(extractor: Extractor, rows: list, cache: Path) -> float:
    """Utterances per second of one extraction."""
    start = time.perf_counter()
    extractor.extract(rows, cache_dir=cache, progress=False)
    return len(rows) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--utterances", type=int, default=0, help="only the first N utterances (0 = all 92)")
    args = parser.parse_args()
    import torch

    devices = ["cpu", "cuda"] if torch.cuda.is_available() else ["cpu"]
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        corpus = make_demo_corpus(work / "corpus", progress=False)
        store = FeatureStore(work / "store")
        ingest_corpus(corpus.manifest, "demo", store, progress=False)
        rows = utterance_inputs(store.read_utterances("demo"))
        rows = rows[: args.utterances] if args.utterances else rows
        print(f"{len(rows)} demo utterances, {torch.get_num_threads()} CPU threads, devices: {', '.join(devices)}")
        print("| extractor | device | batched (utt/s) | one at a time (utt/s) | speed-up |")
        print("|---|---|---:|---:|---:|")
        for modality in ("text", "audio", "visual"):
            for device in devices:
                for batched in profile_extractors("offline", modality, overrides={"device": device}):
                    single_options = {k: v for k, v in ONE_AT_A_TIME.items() if k in option_names(type(batched))}
                    (single,) = profile_extractors(
                        "offline", modality, only=batched.name, overrides={"device": device, **single_options}
                    )
                    cache = work / "cache" / batched.extractor_id
                    batched.extract(rows, cache_dir=cache, progress=False)  # warm-up (and trains the audio encoder)
                    fast, slow = rate(batched, rows, cache), rate(single, rows, cache)
                    print(f"| {batched.extractor_id} | {device} | {fast:.1f} | {slow:.1f} | {fast / slow:.2f}x |")


if __name__ == "__main__":
    main()
