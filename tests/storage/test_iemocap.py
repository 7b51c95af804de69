"""IEMOCAP's layout on a hand-made miniature: turn order, the six classes, speakers, media, seeded splits."""

from __future__ import annotations

import pytest

from emoflow.storage import ingest_corpus
from emoflow.storage.corpora import read_corpus


def make_iemocap(root, dialogues_per_session=3):
    for session in range(1, 6):
        dialog = root / f"Session{session}" / "dialog"
        for folder in ("transcriptions", "EmoEvaluation", "wav", "avi/DivX"):
            (dialog / folder).mkdir(parents=True, exist_ok=True)
        for d in range(dialogues_per_session):
            name = f"Ses0{session}F_impro0{d + 1}"
            # Out of time order on purpose, with a line that is not an utterance.
            (dialog / "transcriptions" / f"{name}.txt").write_text(
                f"{name}_M001 [004.5000-006.0000]: I know.\n"
                f"{name}_F000 [001.2500-003.7500]: Excuse me.\n"
                "M: [BREATHING]\n"
                f"{name}_F001 [006.5000-008.0000]: Fine, then.\n"
            )
            (dialog / "EmoEvaluation" / f"{name}.txt").write_text(
                "% [START_TIME - END_TIME] TURN_NAME EMOTION [V, A, D]\n\n"
                f"[1.2500 - 3.7500]\t{name}_F000\tfru\t[2.5000, 3.0000, 3.0000]\n"
                "C-E1:\tFrustration;\t()\n\n"
                f"[4.5000 - 6.0000]\t{name}_M001\txxx\t[2.0000, 2.5000, 3.0000]\n\n"
                f"[6.5000 - 8.0000]\t{name}_F001\texc\t[4.0000, 3.5000, 3.0000]\n"
            )
        first = f"Ses0{session}F_impro01"
        (dialog / "wav" / f"{first}.wav").write_bytes(b"RIFF wav")
        (dialog / "avi" / "DivX" / f"{first}.avi").write_bytes(b"RIFF avi")


@pytest.fixture
def iemocap(tmp_path):
    root = tmp_path / "IEMOCAP_full_release"
    make_iemocap(root)
    return root


def test_turns_labels_speakers_and_media(iemocap, store):
    report = ingest_corpus(iemocap, "iemocap", store, progress=False)
    assert report.layout == "iemocap" and report.problems == []
    rows = [r for r in store.read_utterances("iemocap").to_pylist() if r["dialogue_id"] == "Ses01F_impro01"]
    assert [r["utterance_id"][-4:] for r in rows] == ["F000", "M001", "F001"]
    assert [r["turn"] for r in rows] == [0, 1, 2]
    assert [r["label"] for r in rows] == ["frustrated", None, "excited"]
    assert [r["speaker"] for r in rows] == ["Ses01_F", "Ses01_M", "Ses01_F"]
    assert rows[0]["text"] == "Excuse me." and (rows[0]["start_s"], rows[0]["end_s"]) == (1.25, 3.75)
    assert rows[0]["video_path"] == str(iemocap / "Session1/dialog/avi/DivX/Ses01F_impro01.avi")
    assert rows[0]["audio_path"] == str(iemocap / "Session1/dialog/wav/Ses01F_impro01.wav")
    assert rows[0]["source"] == "Session1/dialog/transcriptions/Ses01F_impro01.txt line 2"
    assert rows[0]["content_hash"] != rows[1]["content_hash"]  # same files, other segment
    other = [r for r in store.read_utterances("iemocap").to_pylist() if r["dialogue_id"] == "Ses01F_impro02"]
    assert other[0]["video_path"] is None and other[0]["audio_path"] is None


def test_sessions_one_to_four_train_with_seeded_validation_five_test(iemocap):
    def splits(seed, fraction=0.1):
        corpus = read_corpus(iemocap, "iemocap", seed=seed, val_fraction=fraction)
        return {r.values["dialogue_id"]: r.values["split"] for r in corpus.rows}

    first = splits(0)
    assert sorted(d for d, s in first.items() if s == "test") == ["Ses05F_impro01", "Ses05F_impro02", "Ses05F_impro03"]
    assert sum(s == "val" for s in first.values()) == 1  # round(0.1 * 12 train dialogues)
    assert splits(0) == first
    assert {d for d, s in splits(0, 0.5).items() if s == "val"}.isdisjoint({"Ses05F_impro01"})
    assert sum(s == "val" for s in splits(0, 0.5).values()) == 6
    assert len({frozenset(d for d, s in splits(seed).items() if s == "val") for seed in range(8)}) > 1


def test_options_a_layout_does_not_take_are_refused(iemocap, tmp_path):
    with pytest.raises(ValueError, match="the manifest layout takes no option seed; its options: none"):
        read_corpus(tmp_path, "manifest", seed=1)
