"""Emotion colours people expect, and distinct colours for labels the table does not know."""

from __future__ import annotations

from emoflow.models.training.emotion_colours import EMOTION_COLOURS, emotion_colours


def test_emotions_get_the_colours_people_read_them_by():
    colours = emotion_colours(["Anger", "joy", "sadness", "neutral", "fear", "hap", "excited"])
    assert colours["Anger"] == "#d62728" and colours["joy"] == colours["hap"] == "#f2c12e"  # red, yellow
    assert colours["sadness"] == "#1f5fbf" and colours["neutral"] == "#9e9e9e"  # blue, grey


def test_unknown_labels_get_distinct_colours_unused_by_known_emotions():
    colours = emotion_colours(["joy", "awe", "pride", "nostalgia"])
    spare = [colours[c] for c in ("awe", "pride", "nostalgia")]
    assert len(set(spare)) == 3 and not set(spare) & set(EMOTION_COLOURS.values())
