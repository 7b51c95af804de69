"""The quality measures themselves, on hand-made cases whose answers are known."""

import pytest

from emoflow.recordings.quality import (
    TimedSpeech,
    diarisation_error_rate,
    normalised_words,
    segmentation_f1,
    word_error_rate,
)


def test_word_error_rate_counts_edits_over_true_words():
    truth = [TimedSpeech("A", 0, 1, "Have you seen my keys?"), TimedSpeech("B", 2, 3, "No.")]
    assert word_error_rate(truth, truth) == 0.0
    found = [TimedSpeech("x", 0, 1, "have you seen my key"), TimedSpeech("x", 2, 3, "no no")]
    assert word_error_rate(truth, found) == pytest.approx(2 / 6)  # one substitution, one insertion
    assert normalised_words("It's 9, OK?") == ["it's", "9", "ok"]


def test_diarisation_error_rate_maps_speakers_and_counts_confusion_miss_and_false_alarm():
    truth = [TimedSpeech("Ana", 0, 10), TimedSpeech("Ben", 10, 20)]
    renamed = [TimedSpeech("S2", 0, 10), TimedSpeech("S1", 10, 20)]
    assert diarisation_error_rate(truth, renamed) == 0.0
    merged = [TimedSpeech("S1", 0, 20)]
    assert diarisation_error_rate(truth, merged) == pytest.approx(0.5, abs=0.02)
    half_missed = [TimedSpeech("S1", 0, 10)]
    assert diarisation_error_rate(truth, half_missed) == pytest.approx(0.5, abs=0.02)


def test_segmentation_f1_matches_at_half_overlap():
    truth = [TimedSpeech("A", 0, 2), TimedSpeech("B", 3, 5)]
    assert segmentation_f1(truth, truth) == (1.0, 1.0, 1.0)
    split = [TimedSpeech("x", 0, 0.8), TimedSpeech("x", 0.9, 2), TimedSpeech("x", 3, 5)]
    precision, recall, f1 = segmentation_f1(truth, split)
    assert (precision, recall, f1) == pytest.approx((2 / 3, 1.0, 0.8))
