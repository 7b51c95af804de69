"""Face crops: the largest face a detector finds, with a margin around it.

Two detectors ship offline: OpenCV's Haar cascade (Viola-Jones; inside opencv-python-headless < 5), fast but
frontal-only and easily fooled, and MTCNN (Zhang et al., "Joint Face Detection and Alignment using Multi-task
Cascaded Convolutional Networks", IEEE SPL 2016: three cascaded CNNs over an image pyramid), run with
facenet-pytorch's code and weights. A frame without a face is returned whole and flagged, so the caller can
record the fallback (or fail the utterance when faces are required); a face image that is already a crop
(CK+, FER2013) is then used as it is.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np

from emoflow.extractors.options.visual_cnn import Detector

CASCADE = "haarcascade_frontalface_default.xml"
MTCNN_MIN_PROBABILITY = 0.9
"""Faces MTCNN's last stage scores lower than this are ignored (its own stage thresholds are 0.6, 0.7, 0.7)."""


def detector_details(detector: str) -> dict[str, Any]:
    """What the lineage records about a detector: its name and its weights' version."""
    if detector == "mtcnn":
        import importlib.metadata

        return {
            "face_detector": "mtcnn",
            "face_detector_weights": f"facenet-pytorch {importlib.metadata.version('facenet-pytorch')}",
        }
    return {"face_detector": detector}


class FaceCropper:
    """``crop(frame)`` -> (the largest face with ``margin`` around it, or the whole frame; whether a face was found).

    Thread-safe: each thread gets its own Haar classifier; MTCNN's network is shared (inference only).
    """

    def __init__(self, margin: float = 0.2, min_size: int = 32, detector: Detector = "haar") -> None:
        import cv2

        self.margin, self.min_size, self.detector = margin, min_size, detector
        self.path = Path(cv2.data.haarcascades) / CASCADE  # type: ignore[attr-defined]
        if detector == "haar" and not self.path.is_file():
            raise FileNotFoundError(
                f"{self.path} is missing: face detection needs OpenCV's Haar cascades (opencv-python-headless < 5)"
            )
        if detector not in ("haar", "mtcnn"):
            raise ValueError(f"face detector {detector!r} is not one of haar, mtcnn")
        self._mtcnn = None
        if detector == "mtcnn":
            from facenet_pytorch.models.mtcnn import MTCNN

            self._mtcnn = MTCNN(min_face_size=min(self.min_size, 20), device="cpu").eval()
        self._local = threading.local()

    def _cascade(self):
        import cv2

        if not hasattr(self._local, "cascade"):
            self._local.cascade = cv2.CascadeClassifier(str(self.path))
        return self._local.cascade

    def largest_face(self, frame: np.ndarray) -> tuple[int, int, int, int] | None:
        """``(x, y, w, h)`` of the largest face in an RGB frame, or ``None``."""
        if self._mtcnn is not None:
            return self._largest_mtcnn_face(frame)
        import cv2

        gray = cv2.equalizeHist(cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY))
        faces = self._cascade().detectMultiScale(
            gray, scaleFactor=1.1, minNeighbors=5, minSize=(self.min_size, self.min_size)
        )
        if len(faces) == 0:
            return None
        x, y, w, h = max(faces, key=lambda f: int(f[2]) * int(f[3]))
        return int(x), int(y), int(w), int(h)

    def _largest_mtcnn_face(self, frame: np.ndarray) -> tuple[int, int, int, int] | None:
        import torch

        with torch.inference_mode():
            boxes, probabilities = self._mtcnn.detect(np.ascontiguousarray(frame))  # type: ignore[union-attr]
        if boxes is None:
            return None
        kept = [b for b, p in zip(boxes, probabilities, strict=True) if p is not None and p >= MTCNN_MIN_PROBABILITY]
        if not kept:
            return None
        x0, y0, x1, y1 = max(kept, key=lambda b: float(b[2] - b[0]) * float(b[3] - b[1]))
        x0, y0 = max(0, round(float(x0))), max(0, round(float(y0)))
        x1, y1 = min(frame.shape[1], round(float(x1))), min(frame.shape[0], round(float(y1)))
        return (x0, y0, x1 - x0, y1 - y0) if x1 > x0 and y1 > y0 else None

    def crop(self, frame: np.ndarray) -> tuple[np.ndarray, bool]:
        """The face crop (or the whole frame) and whether a face was found."""
        box = self.largest_face(frame)
        if box is None:
            return frame, False
        x, y, w, h = box
        dx, dy = int(w * self.margin), int(h * self.margin)
        top, left = max(0, y - dy), max(0, x - dx)
        return frame[top : y + h + dy, left : x + w + dx], True


def face_crops(
    frames: np.ndarray, cropper: FaceCropper | None, size: int, *, gray: bool = False
) -> tuple[np.ndarray, int]:
    """Each frame's face crop (or the whole frame) resized, and how many frames showed a face.

    ``[t, size, size, 3]`` RGB, or ``[t, size, size]`` with ``gray``; uint8.
    """
    import cv2

    crops, found = [], 0
    for frame in frames:
        crop, has_face = cropper.crop(frame) if cropper else (frame, False)
        found += has_face
        crop = cv2.resize(np.ascontiguousarray(crop), (size, size), interpolation=cv2.INTER_AREA)
        crops.append(cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY) if gray else crop)
    return np.stack(crops), found
