"""What kill-safe extraction costs and saves: one pass versus committed segments, and a resume, in one run.

MELD's train transcripts (../shared/data/meld), the first ``--utterances`` (default 2,000) as one chunk, the
offline text encoder (all-MiniLM-L6-v2) on the CPU, timed three ways on the same rows after a warm-up:

- one pass: the chunk as one segment, nothing committed before its part is written (the old behaviour);
- segments: the chunk committed segment by segment (``extract_chunk``; what the flows run now);
- resume: the same chunk after a kill halfway through (the first half of its segments committed).

Prints utterances per second, the ratios, and the largest difference between the segmented and the one-pass
vectors (batches hold other neighbours, so float noise only). Run with ``make bench`` or
``python benchmarks/bench_resume.py [--utterances N]``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
MELD = ROOT.parent / "shared" / "data" / "meld"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--utterances", type=int, default=2000, help="utterances in the chunk")
    args = parser.parse_args()
    if not (MELD / "train_sent_emo.csv").is_file():
        print(f"resume benchmark skipped: {MELD} holds no MELD transcripts")
        return
    with tempfile.TemporaryDirectory() as folder:
        run(Path(folder), args.utterances)


def run(work: Path, utterances: int) -> None:
    import torch

    from emoflow.extractors import segments
    from emoflow.extractors.profiles import profile_extractors
    from emoflow.extractors.run import extract_chunk, plan_chunks
    from emoflow.extractors.segments import extract_in_segments, segment_rows, segments_dir
    from emoflow.storage import FeatureStore, ingest_corpus

    store = FeatureStore(work / "store")
    ingest_corpus(MELD, "meld", store, layout="meld", progress=False)
    (extractor,) = profile_extractors("offline", "text", only="text_transformer", overrides={"device": "cpu"})
    (chunk, *_), _ = plan_chunks(store, "meld", extractor, chunk_size=utterances)
    rows = list(chunk.rows)
    extractor.extract(rows[:64], cache_dir=store.cache_dir("trained"), progress=False)  # warm-up

    def timed(segment_size: int) -> float:
        """Seconds of the chunk's extraction with segments of ``segment_size`` utterances or more."""
        default_size, segments.SEGMENT_UTTERANCES = segments.SEGMENT_UTTERANCES, segment_size
        started = time.perf_counter()
        extract_chunk(store, "meld", extractor, chunk, refresh=True, progress=False)
        segments.SEGMENT_UTTERANCES = default_size
        return time.perf_counter() - started

    one_segment, default = 10**9, segments.SEGMENT_UTTERANCES
    one_pass_s = min(timed(one_segment), timed(one_segment))  # best of two, alternating with the segmented runs
    one_pass = store.read_features("meld", "text", extractor.extractor_id)
    segmented_s = min(timed(default), timed(default))
    stored = store.read_features("meld", "text", extractor.extractor_id)
    assert stored.utterance_ids == one_pass.utterance_ids
    difference = float(np.abs(stored.vectors - one_pass.vectors).max())

    extract_in_segments(store, "meld", extractor, rows, chunk.fingerprint, progress=False)  # every segment committed
    committed = sorted((segments_dir(store, "meld", extractor) / chunk.fingerprint).glob("*.parquet"))
    for path in committed[len(committed) // 2 :]:  # the kill came halfway: the second half is not committed
        path.unlink()
    started = time.perf_counter()
    report = extract_chunk(store, "meld", extractor, chunk, refresh=True, progress=False)
    resume_s = time.perf_counter() - started

    n = len(rows)
    count = len(segment_rows(extractor, rows))
    print(f"{n} MELD utterances in one chunk, {count} segments, {torch.get_num_threads()} CPU threads")
    print("| extraction of one chunk | seconds | utt/s | vs one pass |")
    print("|---|---:|---:|---:|")
    print(f"| one pass (nothing committed until the end) | {one_pass_s:.1f} | {n / one_pass_s:.0f} | 1.00 |")
    print(f"| committed segments | {segmented_s:.1f} | {n / segmented_s:.0f} | {one_pass_s / segmented_s:.2f} |")
    print(
        f"| resume after a kill halfway ({report.resumed} read back) | {resume_s:.1f} | {n / resume_s:.0f} | "
        f"{one_pass_s / resume_s:.2f} |"
    )
    print(f"largest |difference| segmented vs one pass: {difference:.2e}")


if __name__ == "__main__":
    main()
