"""Long recordings into utterances: quality against known truth, and real-time factor per step.

Four synthetic conversations (``BENCH_CONVERSATIONS``: 2, 3, 3 and 4 espeak-ng voices, the script's dialogues
back to back with seeded 0.6-1.3 s pauses; the 2-voice call carries the demo's moving face as an mp4) are
analysed the way ``emoflow ingest --layout recordings`` does without sidecars: Silero VAD segments, GE2E
speakers clustered (their number estimated), Whisper tiny.en (int8, CPU) on segment-length windows.

Per recording it prints word error rate, diarisation error rate (10 ms frames, 0.25 s collar) with the number
of speakers estimated and given, segmentation precision/recall/F1 (IoU >= 0.5) and the real-time factor
(seconds of work per second of recording) of each step, the models loaded and warmed up first. Side by side on
the same segments it then measures Whisper tiny.en on 30 s padded windows (faster-whisper's default) against
segment-length windows, and Whisper base (multilingual) against tiny.en: WER and ASR time ratios. Run with
``make bench`` or ``python benchmarks/bench_recordings.py [--out DIR] [--no-base]``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

SEGMENT_WINDOWS = "segment"
PADDED_WINDOWS = "30 s"


@dataclass
class Counts:
    """Word errors and words, summed over recordings for an overall WER."""

    errors: int = 0
    words: int = 0

    def add(self, truth: list, found: list) -> float:
        from emoflow.recordings.quality import normalised_words, word_errors

        reference = [w for t in sorted(truth, key=lambda t: t.start_s) for w in normalised_words(t.text)]
        hypothesis = [w for t in sorted(found, key=lambda t: t.start_s) for w in normalised_words(t.text)]
        errors = word_errors(reference, hypothesis)
        self.errors += errors
        self.words += len(reference)
        return errors / max(1, len(reference))

    @property
    def rate(self) -> float:
        return self.errors / max(1, self.words)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=None, help="Folder for the rendered recordings (default: temporary).")
    parser.add_argument("--no-base", action="store_true", help="Skip the Whisper base comparison.")
    args = parser.parse_args()
    from emoflow.extractors.media import MediaError, require_binary

    try:
        for binary in ("ffmpeg", "espeak-ng"):
            require_binary(binary)
    except MediaError as error:
        print(f"recordings benchmark skipped: {error}")
        return
    with tempfile.TemporaryDirectory() as folder:
        run(Path(args.out or folder), base=not args.no_base)


def run(folder: Path, *, base: bool) -> None:
    from emoflow.cli.demo_corpus.conversations import BENCH_CONVERSATIONS, render_conversation, script_dialogues
    from emoflow.recordings.analysis import analyse_recording
    from emoflow.recordings.audio import SAMPLE_RATE, load_recording_audio
    from emoflow.recordings.diarisation import cluster_speakers, segment_embeddings
    from emoflow.recordings.quality import TimedSpeech, diarisation_error_rate, segmentation_f1
    from emoflow.recordings.segmentation import Segment
    from emoflow.recordings.speech_recognition import AsrSettings, SpeechRecogniser
    from emoflow.recordings.voice_activity import speech_probabilities

    conversations = {
        name: render_conversation(
            folder / f"{name}.{'mp4' if index == 0 else 'wav'}", script_dialogues(ids), seed=index, video=index == 0
        )
        for index, (name, ids) in enumerate(BENCH_CONVERSATIONS.items())
    }
    clock = time.perf_counter()
    tiny = SpeechRecogniser(AsrSettings(model="whisper-tiny.en"))
    bigger = SpeechRecogniser(AsrSettings(model="whisper-base", language="en")) if base else None
    first = load_recording_audio(next(iter(conversations.values())).path)
    warm_up = [Segment(0.0, 2.0)]
    speech_probabilities(first.mono[: 2 * SAMPLE_RATE])
    cluster_speakers(segment_embeddings(first, [Segment(0.0, 1.0), Segment(1.0, 2.0)]))  # imports scikit-learn
    for recogniser in (tiny, bigger):
        if recogniser is not None:
            recogniser.transcribe(first.mono, warm_up)
    print(f"models loaded and warmed up in {time.perf_counter() - clock:.1f} s (not in the real-time factors)")

    print("\nQuality and real-time factor (RTF: seconds of work per second of recording), 2 CPU threads")
    print(
        f"{'recording':<10} {'voices':>6} {'length s':>8} {'turns':>5} {'segs':>5} {'seg F1':>6} "
        f"{'DER est':>7} {'DER n':>6} {'WER':>6} {'RTF dec':>7} {'RTF vad':>7} {'RTF spk':>7} {'RTF asr':>7} "
        f"{'RTF all':>7}"
    )
    totals = {"duration": 0.0, "seconds": {}, "matched": [0, 0, 0]}
    words = {SEGMENT_WINDOWS: Counts(), PADDED_WINDOWS: Counts(), "base": Counts()}
    asr_seconds = {SEGMENT_WINDOWS: 0.0, PADDED_WINDOWS: 0.0, "base": 0.0}
    der_est, der_given = [], []
    for name, conversation in conversations.items():
        truth = conversation.truth()
        analysis = analyse_recording(conversation.path, recogniser=lambda: tiny)
        found = [TimedSpeech(t.speaker, t.start_s, t.end_s, t.text or "") for t in analysis.turns]
        segments = [Segment(t.start_s, t.end_s) for t in analysis.turns]
        audio = load_recording_audio(conversation.path)
        given = cluster_speakers(segment_embeddings(audio, segments), len(conversation.speakers))
        with_given = [TimedSpeech(s, f.start_s, f.end_s) for s, f in zip(given, found, strict=True)]
        _, recall, f1 = segmentation_f1(truth, found)
        der_est.append((diarisation_error_rate(truth, found), analysis.duration_s))
        der_given.append((diarisation_error_rate(truth, with_given), analysis.duration_s))
        wer = words[SEGMENT_WINDOWS].add(truth, found)
        asr_seconds[SEGMENT_WINDOWS] += analysis.seconds["asr"]

        clock = time.perf_counter()
        padded = [_padded_transcription(tiny, audio.mono, s) for s in segments]
        asr_seconds[PADDED_WINDOWS] += time.perf_counter() - clock
        words[PADDED_WINDOWS].add(
            truth, [TimedSpeech(f.speaker, f.start_s, f.end_s, p) for f, p in zip(found, padded, strict=True)]
        )
        if bigger is not None:
            clock = time.perf_counter()
            said = bigger.transcribe(audio.mono, segments)
            asr_seconds["base"] += time.perf_counter() - clock
            words["base"].add(
                truth, [TimedSpeech(f.speaker, f.start_s, f.end_s, s.text) for f, s in zip(found, said, strict=True)]
            )

        rtf = {step: seconds / analysis.duration_s for step, seconds in analysis.seconds.items()}
        totals["duration"] += analysis.duration_s
        for step, seconds in analysis.seconds.items():
            totals["seconds"][step] = totals["seconds"].get(step, 0.0) + seconds
        matched = round(recall * len(truth))
        totals["matched"] = [a + b for a, b in zip(totals["matched"], (matched, len(truth), len(found)), strict=True)]
        print(
            f"{name:<10} {len(conversation.speakers):>6} {analysis.duration_s:>8.1f} {len(truth):>5} {len(found):>5} "
            f"{f1:>6.3f} {der_est[-1][0]:>7.3f} {der_given[-1][0]:>6.3f} {wer:>6.3f} {rtf['decode']:>7.3f} "
            f"{rtf['vad']:>7.3f} {rtf['diarisation']:>7.3f} {rtf['asr']:>7.3f} {sum(rtf.values()):>7.3f}"
        )

    duration = totals["duration"]
    matched, true_turns, found_turns = totals["matched"]
    precision, recall = matched / max(1, found_turns), matched / max(1, true_turns)
    f1 = 2 * precision * recall / max(1e-9, precision + recall)
    rtf = {step: seconds / duration for step, seconds in totals["seconds"].items()}

    def weighted(rows: list[tuple[float, float]]) -> float:
        return sum(value * length for value, length in rows) / duration

    print(
        f"{'all':<10} {'':>6} {duration:>8.1f} {true_turns:>5} {found_turns:>5} {f1:>6.3f} {weighted(der_est):>7.3f} "
        f"{weighted(der_given):>6.3f} {words[SEGMENT_WINDOWS].rate:>6.3f} {rtf['decode']:>7.3f} {rtf['vad']:>7.3f} "
        f"{rtf['diarisation']:>7.3f} {rtf['asr']:>7.3f} {sum(rtf.values()):>7.3f}"
    )
    print("(DER est: speakers estimated; DER n: their number given; DER and WER over all recordings are weighted)")

    print("\nSpeech recognition side by side on the same segments")
    print(f"{'model':<16} {'windows':<8} {'WER':>6} {'ASR RTF':>8} {'time ratio':>10}")
    reference = asr_seconds[SEGMENT_WINDOWS]
    rows = [("whisper-tiny.en", SEGMENT_WINDOWS), ("whisper-tiny.en", PADDED_WINDOWS)]
    rows += [("whisper-base", SEGMENT_WINDOWS)] if bigger is not None else []
    for model, windows in rows:
        key = "base" if model == "whisper-base" else windows
        print(
            f"{model:<16} {windows:<8} {words[key].rate:>6.3f} {asr_seconds[key] / duration:>8.3f} "
            f"{asr_seconds[key] / reference:>9.2f}x"
        )
    print(f"({words[SEGMENT_WINDOWS].words} words in {duration:.0f} s of speech and pauses)")


def _padded_transcription(recogniser, mono, segment) -> str:
    """Whisper on the segment with faster-whisper's default 30 s window (the baseline of segment windows)."""
    from emoflow.recordings.audio import SAMPLE_RATE

    samples = mono[round(segment.start_s * SAMPLE_RATE) : round(segment.end_s * SAMPLE_RATE)]
    pieces, _ = recogniser.model.transcribe(
        samples,
        language="en",
        beam_size=recogniser.settings.beam_size,
        word_timestamps=True,
        condition_on_previous_text=False,
        vad_filter=False,
    )
    return " ".join(piece.text.strip() for piece in pieces)


if __name__ == "__main__":
    main()
