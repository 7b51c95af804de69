"""Building blocks for hand-made manifests in tests."""

from __future__ import annotations


def row(uid: str, dialogue: str = "d1", turn: int = 0, **values: str) -> dict[str, str]:
    """A valid manifest row; keyword arguments override columns."""
    base = {"dialogue_id": dialogue, "utterance_id": uid, "turn": str(turn), "speaker": "A", "text": f"words {uid}"}
    base.update({"label": "joy", "split": "train"})
    base.update(values)
    return base
