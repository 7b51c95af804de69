import pytest

from emoflow.recordings.audio import RecordingError
from emoflow.recordings.sidecars import check_within, read_rttm, read_transcript

SRT = """1
00:00:01,000 --> 00:00:02,500
Ana: I am so happy today!

2
00:00:03,000 --> 00:00:04,200
Ben: Why is that?
"""

VTT = """WEBVTT

00:01.000 --> 00:02.500
<v Ana>I am so happy today!</v>

00:03.000 --> 00:04.200
plain line without a speaker
"""


def test_srt_cues_carry_times_speakers_and_words(tmp_path):
    path = tmp_path / "call.srt"
    path.write_text(SRT)
    first, second = read_transcript(path)
    assert (first.start_s, first.end_s, first.speaker, first.text) == (1.0, 2.5, "Ana", "I am so happy today!")
    assert (second.speaker, second.text) == ("Ben", "Why is that?")


def test_webvtt_voice_tags_name_the_speaker(tmp_path):
    path = tmp_path / "call.vtt"
    path.write_text(VTT)
    first, second = read_transcript(path)
    assert (first.speaker, first.text) == ("Ana", "I am so happy today!")
    assert second.speaker is None and second.text == "plain line without a speaker"


def test_malformed_transcripts_name_the_file_and_line(tmp_path):
    backwards = tmp_path / "a.srt"
    backwards.write_text("1\n00:00:05,000 --> 00:00:02,000\nhello\n")
    with pytest.raises(RecordingError, match=r"a\.srt line 2: the cue ends"):
        read_transcript(backwards)
    empty = tmp_path / "b.vtt"
    empty.write_text("WEBVTT\n\nno cues here\n")
    with pytest.raises(RecordingError, match=r"b\.vtt: no timed cues"):
        read_transcript(empty)


def test_rttm_turns_by_file_and_bad_lines(tmp_path):
    path = tmp_path / "turns.rttm"
    path.write_text(
        "SPEAKER call 1 0.50 1.50 <NA> <NA> Ana <NA> <NA>\nSPEAKER call 1 2.40 1.00 <NA> <NA> Ben <NA> <NA>\n"
        "SPEAKER other 1 0.00 2.00 <NA> <NA> Cy <NA> <NA>\n"
    )
    turns = read_rttm(path)
    assert sorted(turns) == ["call", "other"]
    assert [(c.start_s, c.end_s, c.speaker) for c in turns["call"]] == [(0.5, 2.0, "Ana"), (2.4, 3.4, "Ben")]
    bad = tmp_path / "bad.rttm"
    bad.write_text("SPEAKER call 1 zero 1.0 <NA> <NA> Ana\n")
    with pytest.raises(RecordingError, match=r"bad\.rttm line 1"):
        read_rttm(bad)


def test_cues_past_the_end_of_the_media_are_refused(tmp_path):
    path = tmp_path / "call.srt"
    path.write_text(SRT)
    cues = read_transcript(path)
    check_within(cues, 4.0, path)  # within the tolerance
    with pytest.raises(RecordingError, match=r"call\.srt: 1 cue\(s\) end after the recording does \(3\.00 s\)"):
        check_within(cues, 3.0, path)
