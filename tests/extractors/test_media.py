import subprocess

import numpy as np
import pytest

from emoflow.extractors.media import MediaError, decode_audio, decode_frames, failure_reason

pytestmark = pytest.mark.media


@pytest.mark.parametrize("name", ["tone.wav", "tone.flac", "tone.mp3", "clip.mp4", "clip.mkv", "clip.webm", "clip.avi"])
def test_audio_of_any_container_is_16k_mono_float(media_dir, name):
    samples = decode_audio(media_dir / name)
    assert samples.dtype == np.float32 and samples.ndim == 1
    assert abs(len(samples) - 1.5 * 16000) < 0.06 * 16000  # mp3/opus pad a few ms
    assert 0.1 < np.abs(samples).max() <= 1.0  # lavfi sine has amplitude 1/8
    # a 440 Hz tone stays a 440 Hz tone after resampling and downmixing
    spectrum = np.abs(np.fft.rfft(samples[:16000]))
    assert abs(np.argmax(spectrum) - 440) <= 2


def test_audio_segment_is_cut_exactly(media_dir):
    samples = decode_audio(media_dir / "tone.wav", 0.5, 1.0, sample_rate=8000)
    assert len(samples) == pytest.approx(4000, abs=8)


@pytest.mark.parametrize("name", ["clip.mp4", "clip.mkv", "clip.webm", "clip.avi"])
def test_frames_are_sampled_inside_the_segment(media_dir, name):
    frames = decode_frames(media_dir / name, 0.2, 1.2, fps=4)
    assert frames.dtype == np.uint8 and frames.shape[1:] == (120, 160, 3)
    assert 3 <= len(frames) <= 5
    assert frames.std() > 10  # colour bars, not black


def test_frames_respect_max_frames_and_max_side(media_dir):
    frames = decode_frames(media_dir / "clip.mp4", fps=25, max_frames=3, max_side=80)
    assert frames.shape == (3, 60, 80, 3)


def test_a_segment_shorter_than_the_sampling_period_still_gives_a_frame(media_dir):
    assert len(decode_frames(media_dir / "clip.mp4", 0.3, 0.4, fps=1)) >= 1


@pytest.mark.parametrize("suffix", [".png", ".jpg"])
def test_a_still_image_is_a_one_frame_video(media_dir, tmp_path, suffix):
    image = tmp_path / f"face{suffix}"
    frame = decode_frames(media_dir / "clip.mp4", 0.5, 0.6, fps=1)[0]
    subprocess.run(
        ["ffmpeg", "-v", "error", "-ss", "0.5", "-i", str(media_dir / "clip.mp4"), "-frames:v", "1", str(image)],
        check=True,
    )
    for segment in [(None, None), (3.0, 4.5)]:  # an image has no time: the segment's times are ignored
        frames = decode_frames(image, *segment, fps=8, max_frames=4)
        assert frames.shape == (1, *frame.shape)
        assert np.abs(frames[0].astype(int) - frame).mean() < 12  # the same picture (jpg is lossy)
    with pytest.raises(MediaError, match="no audio stream"):
        decode_audio(image)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda d: decode_audio(d / "silent.mp4"), "no audio stream"),
        (lambda d: decode_frames(d / "tone.wav"), "no video stream"),
        (lambda d: decode_audio(d / "corrupt.mp4"), "ffprobe failed"),
        (lambda d: decode_frames(d / "clip.mp4", 5.0, 6.0), "the segment starts at 5.00 s but the file lasts"),
        (lambda d: decode_audio(d / "missing.wav"), "missing.wav"),
    ],
)
def test_bad_media_errors_name_the_file_and_the_problem(media_dir, call, message):
    with pytest.raises(MediaError, match=message) as error:
        call(media_dir)
    assert str(media_dir) in str(error.value)


def test_failure_reason_names_the_file_for_any_exception():
    assert failure_reason(MediaError("a.mp4: no audio stream"), "a.mp4") == "a.mp4: no audio stream"
    assert failure_reason(ValueError("bad shape"), "b.avi") == "b.avi: ValueError: bad shape"
