"""MELD's layout: the real transcripts give the published counts; clips are found when their folders exist."""

from __future__ import annotations

import csv

from emoflow.storage import ingest_corpus, query

MELD_HEADER = [
    "Sr No.",
    "Utterance",
    "Speaker",
    "Emotion",
    "Sentiment",
    "Dialogue_ID",
    "Utterance_ID",
    "Season",
    "Episode",
    "StartTime",
    "EndTime",
]


def test_real_meld_transcripts_give_the_published_counts(meld_dir, store):
    report = ingest_corpus(meld_dir, "meld", store, progress=False)
    assert report.layout == "meld" and report.problems == []
    assert report.utterances_per_split == {"train": 9989, "val": 1109, "test": 2610}
    assert report.dialogues_per_split == {"train": 1038, "val": 114, "test": 280}
    assert sorted(report.labels) == ["anger", "disgust", "fear", "joy", "neutral", "sadness", "surprise"]
    counts = query(store.root, "SELECT count(DISTINCT utterance_id) AS n, count(video_path) AS clips FROM utterances")
    assert counts.to_pylist() == [{"n": 13708, "clips": 0}]  # transcripts alone: no clip folders here


def write_meld(root, split_file, rows):
    root.mkdir(exist_ok=True)
    with open(root / split_file, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(MELD_HEADER)
        for i, (dia, utt, speaker, text, emotion) in enumerate(rows, start=1):
            writer.writerow([i, text, speaker, emotion, "neutral", dia, utt, 1, 1, "00:00:01,000", "00:00:02,000"])


def test_meld_layout_points_at_clips_and_reports_missing_ones(tmp_path, store):
    root = tmp_path / "meld"
    write_meld(
        root, "train_sent_emo.csv", [(0, 0, "Joey", "How you doin'?", "Joy"), (0, 1, "Rachel", "Hi.", "neutral")]
    )
    write_meld(root, "dev_sent_emo.csv", [(0, 0, "Ross", "We were on a break!", "anger")])
    (root / "train_splits").mkdir()
    (root / "train_splits" / "dia0_utt0.mp4").write_bytes(b"clip")
    report = ingest_corpus(root, "m", store, progress=False)
    rows = {r["utterance_id"]: r for r in store.read_utterances("m").to_pylist()}
    assert sorted(rows) == ["dev_dia0_utt0", "train_dia0_utt0", "train_dia0_utt1"]
    assert rows["train_dia0_utt0"]["video_path"] == str(root / "train_splits" / "dia0_utt0.mp4")
    assert rows["train_dia0_utt0"]["label"] == "joy" and rows["dev_dia0_utt0"]["split"] == "val"
    assert rows["train_dia0_utt1"]["video_path"] is None and rows["dev_dia0_utt0"]["video_path"] is None
    assert [p.reason for p in report.problems] == [
        "train_sent_emo.csv line 3 (utterance 'train_dia0_utt1'): "
        "video_path 'train_splits/dia0_utt1.mp4' does not exist"
    ]
