"""Every utterance's face crops, decoded and cropped in threads a chunk of utterances at a time.

What the visual extractors share (``visual_cnn``, ``face_expression``): frames at ``fps`` inside the segment
(at most ``max_frames``), the largest face of each cropped by :class:`~emoflow.extractors.faces.FaceCropper`
(``faces: crop``; a frame without a face is used whole), an error row for a file that cannot be decoded and,
with ``faces: require``, for an utterance with no face in any frame; and the counts the lineage reports.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from emoflow.extractors.base import Extractor, UtteranceInput, batches
from emoflow.extractors.faces import FaceCropper, face_crops
from emoflow.extractors.media import decode_frames, failure_reason
from emoflow.storage.store import ErrorRecord

CHUNK_UTTERANCES = 32
"""Utterances decoded ahead of the network: bounds memory to a few hundred MB of frames."""


@dataclass(frozen=True)
class UtteranceFaces:
    """One utterance's crops (``[frames, size, size(, 3)]`` uint8) and how many frames showed a face."""

    row: UtteranceInput
    crops: np.ndarray
    found: int


def face_chunks(
    extractor: Extractor,
    rows: Sequence[UtteranceInput],
    *,
    size: int,
    gray: bool = False,
) -> Iterator[tuple[list[UtteranceFaces], list[ErrorRecord], int]]:
    """Per chunk of ``rows``: the utterances' crops, the error rows, and how many rows the chunk held.

    ``extractor.config`` supplies ``fps``, ``max_frames``, ``faces`` (crop | require | whole), ``detector`` and
    ``workers`` (decoding threads; 0 is one per core).
    """
    config = extractor.config
    cropper = FaceCropper(detector=config.detector) if config.faces != "whole" else None

    def prepare(row: UtteranceInput) -> tuple[np.ndarray, int] | ErrorRecord:
        try:
            frames = decode_frames(
                row.video_path or "", row.start_s, row.end_s, fps=config.fps, max_frames=config.max_frames
            )
            return face_crops(frames, cropper, size, gray=gray)
        except Exception as error:  # one bad file is recorded, the batch goes on
            return extractor.error(row, failure_reason(error, row.video_path), row.video_path)

    with ThreadPoolExecutor(max_workers=config.workers or os.cpu_count() or 1) as pool:
        for chunk in batches(rows, CHUNK_UTTERANCES):
            prepared: list[UtteranceFaces] = []
            errors: list[ErrorRecord] = []
            for row, result in zip(chunk, pool.map(prepare, chunk), strict=True):
                if isinstance(result, ErrorRecord):
                    errors.append(result)
                elif config.faces == "require" and result[1] == 0:
                    reason = f"{row.video_path}: no face found in {len(result[0])} frames"
                    errors.append(extractor.error(row, reason, row.video_path))
                else:
                    prepared.append(UtteranceFaces(row, *result))
            yield prepared, errors, len(chunk)


def count_faces(details: dict[str, Any], item: UtteranceFaces, faces: str) -> None:
    """Add one utterance to the lineage's ``frames``, ``frames_with_face`` and ``no_face_utterances``."""
    details["frames"] += len(item.crops)
    details["frames_with_face"] += item.found
    if item.found == 0 and faces == "crop":
        details["no_face_utterances"].append(item.row.utterance_id)
