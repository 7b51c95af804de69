"""Feature extractors and the media tools they share (ffmpeg decoding lives in :mod:`extractors.media`)."""
