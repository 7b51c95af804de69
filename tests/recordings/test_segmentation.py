import numpy as np
import pytest

from emoflow.recordings.segmentation import Segment, SegmentRules, speech_segments
from emoflow.recordings.voice_activity import WINDOW_S


def probabilities(*spans: tuple[float, float], total_s: float = 20.0) -> np.ndarray:
    """Speech (0.9) in the given spans of seconds, silence (0.05) elsewhere."""
    values = np.full(int(total_s / WINDOW_S), 0.05, dtype=np.float32)
    for start, end in spans:
        values[int(start / WINDOW_S) : int(end / WINDOW_S)] = 0.9
    return values


def test_pauses_shorter_than_min_silence_stay_inside_a_segment():
    rules = SegmentRules(min_silence_s=0.5, pad_s=0.0)
    (segment,) = speech_segments(probabilities((1.0, 3.0), (3.3, 5.0)), 20.0, rules)
    assert segment.start_s == pytest.approx(1.0, abs=WINDOW_S) and segment.end_s == pytest.approx(5.0, abs=WINDOW_S)
    first, second = speech_segments(probabilities((1.0, 3.0), (3.8, 5.0)), 20.0, rules)
    assert first.end_s == pytest.approx(3.0, abs=WINDOW_S) and second.start_s == pytest.approx(3.8, abs=WINDOW_S)


def test_clicks_shorter_than_min_speech_are_dropped():
    segments = speech_segments(probabilities((1.0, 1.1), (4.0, 6.0)), 20.0, SegmentRules(min_speech_s=0.25))
    assert len(segments) == 1 and segments[0].start_s > 3.5


def test_long_speech_is_cut_at_its_quietest_window_into_pieces_that_fit():
    values = probabilities((0.0, 19.0))
    quiet = int(8.0 / WINDOW_S)
    values[quiet] = 0.4  # a dip that stays above the hysteresis floor: not a pause, but the best place to cut
    segments = speech_segments(values, 20.0, SegmentRules(max_segment_s=10.0, pad_s=0.0))
    assert all(s.duration_s <= 10.0 + 1e-6 for s in segments)
    assert segments[0].end_s == pytest.approx(8.0, abs=WINDOW_S)
    assert segments[-1].end_s == pytest.approx(19.0, abs=WINDOW_S)


def test_padding_never_crosses_the_middle_of_a_pause_or_the_recording():
    segments = speech_segments(probabilities((0.02, 2.0), (2.6, 4.0)), 4.1, SegmentRules(pad_s=0.5, min_silence_s=0.5))
    first, second = segments
    assert first.start_s == 0.0 and second.end_s == pytest.approx(4.1)
    assert first.end_s <= second.start_s
    assert first.end_s == pytest.approx((2.0 + 2.6) / 2, abs=WINDOW_S)


def test_silence_gives_no_segment_and_rules_are_checked():
    assert speech_segments(probabilities(), 20.0) == []
    with pytest.raises(ValueError, match="max_segment_s"):
        SegmentRules(max_segment_s=0.5)
    assert Segment(1.0, 2.5).duration_s == 1.5
