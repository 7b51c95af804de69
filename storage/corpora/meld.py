"""MELD's own layout: ``{train,dev,test}_sent_emo.csv`` plus, when present, one clip per utterance.

The clips live in ``train_splits/``, ``dev_splits_complete/`` and ``output_repeated_splits_test/`` as
``dia{D}_utt{U}.mp4``. Without those folders the corpus is read as transcripts alone. MELD numbers dialogues
per split, so ids carry the split (``train_dia0_utt0``); MELD's ``dev`` split is ``val``.
"""

from __future__ import annotations

from pathlib import Path

from emoflow.storage.corpora.rows import RawCorpus, RawRow, RawValue
from emoflow.storage.corpora.text_files import read_csv_records

SPLIT_FILES = {"train": "train_sent_emo.csv", "val": "dev_sent_emo.csv", "test": "test_sent_emo.csv"}
CLIP_FOLDERS = {"train": "train_splits", "val": "dev_splits_complete", "test": "output_repeated_splits_test"}
SPLIT_PREFIX = {"train": "train", "val": "dev", "test": "test"}


def is_meld(path: Path) -> bool:
    """Whether ``path`` is a folder in MELD's layout."""
    return any((Path(path) / name).is_file() for name in SPLIT_FILES.values())


def read_meld(path: Path) -> RawCorpus:
    """Read MELD's transcripts and, where the clip folders exist, point each utterance at its clip."""
    root = Path(path)
    corpus = RawCorpus(root=root, layout="meld")
    for split, file_name in SPLIT_FILES.items():
        csv_path = root / file_name
        if not csv_path.is_file():
            continue
        corpus.files.append(csv_path)
        clips = root / CLIP_FOLDERS[split]
        prefix = SPLIT_PREFIX[split]
        for line, record in read_csv_records(csv_path):
            dialogue, utterance = (
                record.get("Dialogue_ID", "").strip(),
                record.get("Utterance_ID", "").strip(),
            )
            clip = f"{CLIP_FOLDERS[split]}/dia{dialogue}_utt{utterance}.mp4" if clips.is_dir() else None
            values: dict[str, RawValue] = {
                "dialogue_id": f"{prefix}_dia{dialogue}" if dialogue else None,
                "utterance_id": f"{prefix}_dia{dialogue}_utt{utterance}" if dialogue and utterance else None,
                "turn": utterance or None,
                "speaker": record.get("Speaker", "").strip() or None,
                "text": record.get("Utterance", "").strip() or None,
                "label": record.get("Emotion", "").strip().lower() or None,
                "split": split,
                "video_path": clip,
                "audio_path": None,
                "start_s": None,
                "end_s": None,
            }
            corpus.rows.append(RawRow(values=values, file=file_name, where=f"line {line}"))
    if not corpus.files:
        raise FileNotFoundError(f"{root}: none of {', '.join(SPLIT_FILES.values())} found")
    return corpus
