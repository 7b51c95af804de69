"""Ingestion speed, measured side by side in one run.

1. MELD transcripts (13,708 utterances): a cold ingest versus re-ingesting the unchanged corpus (a no-op).
2. A corpus with 256 MiB of media: re-ingesting after one transcript edit, with the store's file-digest cache
   versus without it (every media byte hashed again).

Prints a Markdown table; run with `make bench` or `python benchmarks/bench_ingest.py`.
"""

from __future__ import annotations

import csv
import os
import shutil
import tempfile
import time
from pathlib import Path

from emoflow.storage import FeatureStore, ingest_corpus

MELD = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "meld"
MEDIA_FILES, MEDIA_MIB = 64, 4


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def bench_meld(work: Path) -> tuple[str, float, float] | None:
    if not MELD.is_dir():
        print(f"skipping the MELD case: {MELD} is absent")
        return None
    store = FeatureStore(work / "meld-store")
    cold = timed(lambda: ingest_corpus(MELD, "meld", store, progress=False))
    warm = min(timed(lambda: ingest_corpus(MELD, "meld", store, progress=False)) for _ in range(3))
    return "MELD transcripts, 13,708 utterances: cold ingest vs unchanged re-ingest", cold, warm


def bench_media_digests(work: Path) -> tuple[str, float, float]:
    corpus = work / "media-corpus"
    (corpus / "clips").mkdir(parents=True)
    rows = []
    for i in range(MEDIA_FILES):
        (corpus / "clips" / f"u{i}.mp4").write_bytes(os.urandom(MEDIA_MIB << 20))
        rows.append(
            {
                "dialogue_id": f"d{i // 8}",
                "utterance_id": f"u{i}",
                "turn": i % 8,
                "speaker": "A",
                "text": f"line {i}",
                "video_path": f"clips/u{i}.mp4",
            }
        )

    def write_manifest(edit: int) -> None:
        with open(corpus / "manifest.csv", "w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(
                {**r, "text": f"{r['text']} (edit {edit})" if r["utterance_id"] == "u0" else r["text"]} for r in rows
            )

    store = FeatureStore(work / "media-store")
    write_manifest(0)
    ingest_corpus(corpus, "m", store, progress=False)
    write_manifest(1)

    def without_cache() -> None:
        shutil.rmtree(store.cache_dir("file-digests"), ignore_errors=True)
        ingest_corpus(corpus, "m", store, progress=False)

    uncached = timed(without_cache)
    write_manifest(2)
    cached = timed(lambda: ingest_corpus(corpus, "m", store, progress=False))
    label = f"{MEDIA_FILES} clips, {MEDIA_FILES * MEDIA_MIB} MiB: re-ingest after a transcript edit, "
    label += "no digest cache vs cache"
    return label, uncached, cached


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        results = [r for r in (bench_meld(work), bench_media_digests(work)) if r is not None]
    print("| case | baseline (s) | emoflow (s) | speed-up |")
    print("|---|---:|---:|---:|")
    for label, baseline, ours in results:
        print(f"| {label} | {baseline:.3f} | {ours:.3f} | {baseline / ours:.1f}x |")


if __name__ == "__main__":
    main()
