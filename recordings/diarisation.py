"""Who speaks when: speaker embeddings of the segments clustered, or one speaker per stereo channel.

Clustering is agglomerative with average linkage on cosine distance, in two steps. The number of speakers, when
not given, is the number of clusters left when the tree of the embeddings is cut at :data:`DISTANCE_THRESHOLD`
(GE2E embeddings of one voice lie closer than that, of two voices farther; measured on the synthetic
conversations, ``make bench``). The segments are then split into that many clusters after the recording's mean
embedding is subtracted (what all its voices share: room, channel, codec), which separates similar voices that
the raw embeddings confuse (on the benchmark's 3-voice meeting: DER 0.24 raw, 0.00 centred). Speakers are named
``S1``, ``S2``, ... in order of first appearance.

A stereo recording whose channels carry one speaker each (in at least 80% of the segments one channel is 12 dB
louder than the other) is split by channel instead: the louder channel names the speaker (``L``/``R``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from emoflow.recordings.audio import RecordingAudio
from emoflow.recordings.segmentation import Segment

DISTANCE_THRESHOLD = 0.22
CHANNEL_DOMINANCE_DB = 12.0
CHANNEL_SHARE = 0.8
MIN_EMBED_S = 0.5
"""Shorter segments are embedded with their surroundings up to this length (GE2E needs a little speech)."""


def cluster_speakers(embeddings: np.ndarray, speakers: int | None = None) -> list[str]:
    """A speaker name per row of unit-length ``embeddings``; ``speakers`` fixes their number (module docstring)."""
    count = len(embeddings)
    if count == 0:
        return []
    if speakers is None:
        speakers = estimated_speakers(embeddings)
    if count == 1 or speakers == 1:
        return ["S1"] * count
    from sklearn.cluster import AgglomerativeClustering

    centred = embeddings - embeddings.mean(axis=0)
    centred /= np.maximum(np.linalg.norm(centred, axis=1, keepdims=True), 1e-12)
    clustering = AgglomerativeClustering(n_clusters=min(speakers, count), metric="cosine", linkage="average")
    labels = clustering.fit_predict(centred)
    names: dict[int, str] = {}
    for label in labels:
        names.setdefault(int(label), f"S{len(names) + 1}")
    return [names[int(label)] for label in labels]


def estimated_speakers(embeddings: np.ndarray) -> int:
    """How many voices: clusters left when the embeddings' tree is cut at :data:`DISTANCE_THRESHOLD`."""
    if len(embeddings) < 2:
        return len(embeddings)
    from sklearn.cluster import AgglomerativeClustering

    clustering = AgglomerativeClustering(
        n_clusters=None, distance_threshold=DISTANCE_THRESHOLD, metric="cosine", linkage="average"
    )
    return int(clustering.fit(embeddings).n_clusters_)


def segment_embeddings(audio: RecordingAudio, segments: Sequence[Segment]) -> np.ndarray:
    """One GE2E embedding per segment (short segments widened to :data:`MIN_EMBED_S` around their middle)."""
    from emoflow.recordings.speaker_embeddings import embed_speech  # torch: imported when speakers are needed

    rows = []
    for segment in segments:
        start, end = segment.start_s, segment.end_s
        if end - start < MIN_EMBED_S:
            middle = (start + end) / 2
            start, end = max(0.0, middle - MIN_EMBED_S / 2), min(audio.duration_s, middle + MIN_EMBED_S / 2)
        rows.append(embed_speech(audio.span(start, end)))
    return np.stack(rows) if rows else np.zeros((0, 256), dtype=np.float32)


def channel_speakers(audio: RecordingAudio, segments: Sequence[Segment]) -> list[str] | None:
    """``L``/``R`` per segment when the recording is stereo with one speaker per channel, else ``None``."""
    if audio.channels.shape[0] != 2 or not segments:
        return None
    names, dominant = [], 0
    for segment in segments:
        left, right = (float(np.mean(audio.span(segment.start_s, segment.end_s, c) ** 2)) + 1e-12 for c in (0, 1))
        difference = 10 * np.log10(left / right)
        dominant += abs(difference) >= CHANNEL_DOMINANCE_DB
        names.append("L" if difference > 0 else "R")
    return names if dominant >= CHANNEL_SHARE * len(segments) else None
