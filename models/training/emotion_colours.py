"""Colours for emotions, as people read them: anger red, joy yellow, sadness blue, fear purple, neutral grey.

The mapping follows the colour-emotion associations reported across cultures (Jonauskaite et al., "Universal
patterns in color-emotion associations are further shaped by linguistic and geographic proximity", Psychological
Science 31(10), 2020: anger red, joy yellow, sadness blue/grey, fear black/purple, disgust brown/green) and the
Plutchik wheel (surprise light blue, trust green). Names are matched case-insensitively with the corpora's
spellings (``happy``, ``excited``, ``frustrated``); a label it does not know gets a colour none of these use.
"""

from __future__ import annotations

from collections.abc import Sequence

EMOTION_COLOURS = {
    "anger": "#d62728",
    "angry": "#d62728",
    "ang": "#d62728",
    "frustration": "#a23b2a",
    "frustrated": "#a23b2a",
    "fru": "#a23b2a",
    "joy": "#f2c12e",
    "happy": "#f2c12e",
    "happiness": "#f2c12e",
    "hap": "#f2c12e",
    "excited": "#f59b00",
    "exc": "#f59b00",
    "love": "#e377c2",
    "sadness": "#1f5fbf",
    "sad": "#1f5fbf",
    "fear": "#6a3d9a",
    "fearful": "#6a3d9a",
    "fea": "#6a3d9a",
    "disgust": "#6b8e23",
    "disgusted": "#6b8e23",
    "dis": "#6b8e23",
    "surprise": "#17becf",
    "surprised": "#17becf",
    "sur": "#17becf",
    "neutral": "#9e9e9e",
    "neu": "#9e9e9e",
    "calm": "#b0c4de",
    "boredom": "#8c6d4f",
    "bored": "#8c6d4f",
    "contempt": "#7f4f24",
    "trust": "#2ca02c",
}
SPARE_COLOURS = ("#393b79", "#ff9896", "#c5b0d5", "#8c564b", "#bcbd22", "#17a589", "#637939", "#e7969c")
"""For labels the table does not know, in order of first appearance."""


def emotion_colours(classes: Sequence[str]) -> dict[str, str]:
    """A colour per class: the emotion's own where it is known, else a spare one (distinct within ``classes``)."""
    colours: dict[str, str] = {}
    spare = iter(SPARE_COLOURS * (1 + len(classes) // len(SPARE_COLOURS)))
    for name in classes:
        colours[name] = EMOTION_COLOURS.get(name.strip().lower()) or next(spare)
    return colours
