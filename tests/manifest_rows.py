"""Building blocks for hand-made manifests in tests."""

from __future__ import annotations


def row(uid: str, dialogue: str = "d1", turn: int = 0, **values: str) -> dict[str, str]:
    """A valid manifest row; keyword arguments override columns."""
    base = {"dialogue_id": dialogue, "utterance_id": uid, "turn": str(turn), "speaker": "A", "text": f"words {uid}"}
    base.update({"label": "joy", "split": "train"})
    base.update(values)
    return base


def labelled_dialogues() -> list[dict[str, str]]:
    """Eight dialogues of four turns (train 4, val 2, test 2) with text and labels: a corpus to train on."""
    rows = []
    for split, count in (("train", 4), ("val", 2), ("test", 2)):
        for d in range(count):
            for turn, label in enumerate(("joy", "anger", "joy", "neutral")):
                dialogue = f"{split}{d}"
                rows.append(
                    row(
                        f"{dialogue}_{turn}",
                        dialogue,
                        turn,
                        split=split,
                        label=label,
                        speaker="AB"[turn % 2],
                        text=f"{label} words number {turn} in {dialogue}",
                    )
                )
    return rows
