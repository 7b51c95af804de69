"""The ``recordings`` layout: a folder of long recordings, one conversation per media file, into the store.

Each recording is analysed once (:func:`~emoflow.recordings.analysis.analyse_recording`) and the result cached
under ``<store>/_cache/recordings/<key>.json``, keyed by the bytes of the media and its sidecars, the settings and
the code: re-ingesting an unchanged folder reads the cache. The turns become utterance rows (the recording with
the turn's start and end, so extraction and prediction read them unchanged) and rows of the ``transcripts``
table (speakers, words, languages). A recording that cannot be used is one errors row; the others go on.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyarrow as pa
from tqdm.auto import tqdm

from emoflow.core.code_digest import code_identity
from emoflow.recordings.analysis import RecordingAnalysis, RecordingSettings, analyse_recording
from emoflow.recordings.audio import RecordingError
from emoflow.recordings.segmentation import SegmentRules
from emoflow.recordings.sidecars import RTTM_SUFFIX, TRANSCRIPT_SUFFIXES, Cue, read_rttm
from emoflow.recordings.speech_recognition import AsrSettings, SpeechRecogniser
from emoflow.storage.atomic import write_text_atomic
from emoflow.storage.corpora import RawCorpus, RawRow
from emoflow.storage.hashing import FileDigests, json_digest
from emoflow.storage.ingest import IngestReport, ingest_raw_corpus
from emoflow.storage.lineage import make_lineage
from emoflow.storage.schema import TRANSCRIPTS
from emoflow.storage.store import FeatureStore
from emoflow.storage.validation import RowProblem

LAYOUT = "recordings"
MEDIA_SUFFIXES = frozenset(
    {".wav", ".flac", ".mp3", ".ogg", ".opus", ".m4a", ".aac", ".wma", ".mp4", ".mkv", ".webm", ".mov", ".avi"}
)
ANALYSIS_CODE = (
    "emoflow.recordings.analysis",
    "emoflow.recordings.speech_recognition",
    "emoflow.recordings.transcript_checks",
)
"""The modules whose code decides a recording's analysis (part of its cache key)."""


@dataclass(frozen=True)
class RecordingFiles:
    """One recording: its media file and the sidecars found for it (paths inside the corpus folder)."""

    media: Path
    transcript: Path | None = None
    rttm: Path | None = None

    @property
    def dialogue_id(self) -> str:
        """The recording's path in the folder without its suffix: the dialogue's id."""
        return self.media.with_suffix("").as_posix()


@dataclass(frozen=True)
class RecordingOptions:
    """Everything that shapes the analysis of a recording, for the cache key and the lineage."""

    settings: RecordingSettings = field(default_factory=RecordingSettings)
    asr: AsrSettings = field(default_factory=AsrSettings)

    @classmethod
    def from_options(cls, **options: Any) -> RecordingOptions:
        """From the layout's options.

        ``speakers``, ``asr_model``, ``language``, ``device`` and the segmentation rules' fields (``min_silence_s``,
        ``max_segment_s``, ...).
        """
        rules = {k: options.pop(k) for k in list(options) if k in SegmentRules.__dataclass_fields__}
        asr = {k: options.pop(k) for k in ("asr_model", "language", "device") if k in options}
        speakers = options.pop("speakers", None)
        if options:
            known = ["speakers", "asr_model", "language", "device", *SegmentRules.__dataclass_fields__]
            raise ValueError(
                f"the recordings layout takes no option {', '.join(options)}; its options: {', '.join(known)}"
            )
        settings = RecordingSettings(SegmentRules(**rules), int(speakers) if speakers is not None else None)
        asr_settings = AsrSettings(
            model=asr.get("asr_model") or AsrSettings.model,
            language=asr.get("language"),
            device=asr.get("device", "auto"),
        )
        return cls(settings, asr_settings)

    def to_json(self) -> dict[str, Any]:
        """Plain values, for keys and lineage."""
        return asdict(self)


def is_recordings_folder(path: Path) -> bool:
    """Whether ``path`` is a folder holding media files (and no manifest: the caller checks the other layouts)."""
    return Path(path).is_dir() and any(p.suffix.lower() in MEDIA_SUFFIXES for p in _files(Path(path)))


def find_recordings(folder: Path) -> tuple[list[RecordingFiles], list[RowProblem]]:
    """The recordings under ``folder`` with their sidecars, and the problems found.

    A recording's RTTM is its own ``NAME.rttm``, else any RTTM file in the folder naming it (file id = its name).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: the recordings layout needs a folder of media files")
    files = _files(folder)
    problems: list[RowProblem] = []
    recordings: list[RecordingFiles] = []
    seen: dict[str, Path] = {}
    for media in (p for p in files if p.suffix.lower() in MEDIA_SUFFIXES):
        relative = media.relative_to(folder)
        stem = relative.with_suffix("").as_posix()
        if stem in seen:
            problems.append(
                _problem(media, f"{media}: another recording has the same name ({seen[stem].name}); skipped")
            )
            continue
        seen[stem] = media
        transcripts = [media.with_suffix(s) for s in TRANSCRIPT_SUFFIXES if media.with_suffix(s).is_file()]
        recordings.append(RecordingFiles(relative, transcripts[0].relative_to(folder) if transcripts else None))
    turns: dict[str, tuple[Path, list[Cue]]] = {}
    by_name = {Path(r.dialogue_id).name: r.dialogue_id for r in recordings}
    for path in (p for p in files if p.suffix.lower() == RTTM_SUFFIX):
        try:
            found = read_rttm(path)
        except RecordingError as error:
            problems.append(_problem(path, str(error)))
            continue
        own = path.with_suffix("").relative_to(folder).as_posix()
        unknown = sorted(f for f in found if f not in by_name)
        if unknown:
            problems.append(
                _problem(path, f"{path}: names recordings not in the folder: {', '.join(unknown[:5])}", False)
            )
        for file_id, cues in found.items():
            dialogue = by_name.get(file_id)
            if dialogue is not None and (dialogue not in turns or own == dialogue):
                turns[dialogue] = (path.relative_to(folder), cues)
    with_turns = [
        dataclasses.replace(r, rttm=turns[r.dialogue_id][0]) if r.dialogue_id in turns else r for r in recordings
    ]
    return with_turns, problems


def rttm_turns(folder: Path, recording: RecordingFiles) -> tuple[Path, list[Cue]] | None:
    """The recording's speaker turns from the RTTM file :func:`find_recordings` chose for it."""
    if recording.rttm is None:
        return None
    path = folder / recording.rttm
    return path, read_rttm(path).get(Path(recording.dialogue_id).name, [])


def recording_key(folder: Path, recording: RecordingFiles, options: RecordingOptions, digests: FileDigests) -> str:
    """The cache key of one recording's analysis: its files' bytes, the options and the analysis code."""
    files = [recording.media, recording.transcript, recording.rttm]
    contents = [digests(str(folder / f)) if f is not None else None for f in files]
    return json_digest({"files": contents, "options": options.to_json(), "code": code_identity(*ANALYSIS_CODE)})


@lru_cache(maxsize=2)
def recogniser_for(settings: AsrSettings) -> SpeechRecogniser:
    """One loaded Whisper per settings and process."""
    return SpeechRecogniser(settings)


def analysis_cache_path(
    store: FeatureStore, folder: Path, recording: RecordingFiles, options: RecordingOptions, digests: FileDigests
) -> Path:
    """Where the recording's analysis is cached in the store (JSON: reading it back runs nothing)."""
    return store.cache_dir("recordings") / f"{recording_key(folder, recording, options, digests)}.json"


def analyse_cached(
    store: FeatureStore,
    folder: Path,
    recording: RecordingFiles,
    options: RecordingOptions,
    digests: FileDigests,
) -> tuple[RecordingAnalysis, bool]:
    """The recording's analysis from the cache, or made and cached now; also whether it came from the cache.

    A recording that cannot be used is cached too (its reason): the same bytes and options fail the same way.
    """
    cache = analysis_cache_path(store, folder, recording, options, digests)
    if cache.is_file():
        cached = json.loads(cache.read_text(encoding="utf-8"))
        if "error" in cached:
            raise RecordingError(str(cached["error"]))
        return RecordingAnalysis.from_json(cached), True
    try:
        analysis = analyse_recording(
            folder / recording.media,
            transcript=folder / recording.transcript if recording.transcript else None,
            rttm=rttm_turns(folder, recording),
            settings=options.settings,
            recogniser=lambda: recogniser_for(options.asr),
        )
    except RecordingError as error:
        write_text_atomic(cache, json.dumps({"error": str(error)}))
        raise
    write_text_atomic(cache, json.dumps(analysis.to_json()))
    return analysis, False


def ingest_recordings(
    folder: Path | str,
    dataset: str,
    store: FeatureStore,
    *,
    strict: bool = False,
    progress: bool = True,
    on_recording: Callable[[RecordingFiles, RecordingAnalysis], None] | None = None,
    **options: Any,
) -> IngestReport:
    """Ingest the long recordings under ``folder`` as ``dataset``; ``options`` as :meth:`RecordingOptions.from_options`.

    ``on_recording`` is called with each recording analysed (or read from the cache).
    """
    folder = Path(folder)
    settings = RecordingOptions.from_options(**options)
    recordings, problems = find_recordings(folder)
    if not recordings:
        raise FileNotFoundError(f"{folder}: no media files ({', '.join(sorted(MEDIA_SUFFIXES))})")
    digests = FileDigests(store.cache_dir("file-digests"))
    analysed: list[tuple[RecordingFiles, RecordingAnalysis]] = []
    for recording in tqdm(recordings, desc=f"recordings of {dataset}", unit="rec", disable=not progress):
        try:
            analysis, _ = analyse_cached(store, folder, recording, settings, digests)
        except RecordingError as error:
            problems.append(_problem(folder / recording.media, str(error)))
            continue
        analysed.append((recording, analysis))
        problems += [_problem(folder / recording.media, note, dropped=False) for note in analysis.notes]
        if on_recording is not None:
            on_recording(recording, analysis)
    digests.save()
    raw, transcripts = recordings_corpus(folder, analysed)
    lineage = make_lineage(
        "ingest",
        corpus=str(folder.resolve()),
        layout=LAYOUT,
        options=settings.to_json(),
        asr=[a.asr for _, a in analysed if a.asr][:1],
    )
    store.write_transcripts(dataset, transcripts, lineage)
    return ingest_raw_corpus(
        raw, folder, dataset, store, strict=strict, progress=progress, options=settings.to_json(), problems=problems
    )


def recordings_corpus(
    folder: Path, analysed: Sequence[tuple[RecordingFiles, RecordingAnalysis]]
) -> tuple[RawCorpus, pa.Table]:
    """Utterance rows (one per turn) and the transcripts table of analysed recordings."""
    corpus = RawCorpus(root=folder, layout=LAYOUT, files=[folder / r.media for r, _ in analysed])
    transcripts = []
    for recording, analysis in analysed:
        media = recording.media.as_posix()
        for turn, found in enumerate(analysis.turns):
            utterance_id = f"{recording.dialogue_id}_u{turn:04d}"
            values: dict[str, Any] = {
                "dialogue_id": recording.dialogue_id,
                "utterance_id": utterance_id,
                "turn": turn,
                "speaker": found.speaker,
                "text": found.text,
                "label": None,
                "split": None,
                "video_path": media if analysis.has_video else None,
                "audio_path": None if analysis.has_video else media,
                "start_s": found.start_s,
                "end_s": found.end_s,
            }
            corpus.rows.append(RawRow(values=values, file=media, where=f"turn {turn}"))
            transcripts.append(
                {
                    **{k: values[k] for k in ("dialogue_id", "utterance_id", "turn", "speaker", "start_s", "end_s")},
                    "recording": media,
                    "speaker_source": found.speaker_source,
                    "text": found.text,
                    "text_source": found.text_source,
                    "language": found.language,
                    "language_probability": found.language_probability,
                    "words": [asdict(w) for w in found.words],
                }
            )
    return corpus, pa.Table.from_pylist(transcripts, schema=TRANSCRIPTS)


def _files(folder: Path) -> list[Path]:
    return sorted(
        p for p in folder.rglob("*") if p.is_file() and not any(x.startswith(".") for x in p.relative_to(folder).parts)
    )


def _problem(path: Path, reason: str, dropped: bool = True) -> RowProblem:
    return RowProblem(None, reason, str(path), dropped)
