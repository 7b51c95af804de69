"""Face crops with OpenCV's Haar cascade (it ships inside opencv-python-headless < 5).

The largest detected face is cropped with a margin around it; a frame without a face is returned whole and
flagged, so the caller can record the fallback (or fail the utterance when faces are required).
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

CASCADE = "haarcascade_frontalface_default.xml"


class FaceCropper:
    """``crop(frame)`` -> (the largest face with ``margin`` around it, or the whole frame; whether a face was found).

    Thread-safe: each thread gets its own cascade classifier.
    """

    def __init__(self, margin: float = 0.2, min_size: int = 32) -> None:
        import cv2

        self.margin, self.min_size = margin, min_size
        self.path = Path(cv2.data.haarcascades) / CASCADE  # type: ignore[attr-defined]
        if not self.path.is_file():
            raise FileNotFoundError(
                f"{self.path} is missing: face detection needs OpenCV's Haar cascades (opencv-python-headless < 5)"
            )
        self._local = threading.local()

    def _cascade(self):
        import cv2

        if not hasattr(self._local, "cascade"):
            self._local.cascade = cv2.CascadeClassifier(str(self.path))
        return self._local.cascade

    def largest_face(self, frame: np.ndarray) -> tuple[int, int, int, int] | None:
        """``(x, y, w, h)`` of the largest face in an RGB frame, or ``None``."""
        import cv2

        gray = cv2.equalizeHist(cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY))
        faces = self._cascade().detectMultiScale(
            gray, scaleFactor=1.1, minNeighbors=5, minSize=(self.min_size, self.min_size)
        )
        if len(faces) == 0:
            return None
        x, y, w, h = max(faces, key=lambda f: int(f[2]) * int(f[3]))
        return int(x), int(y), int(w), int(h)

    def crop(self, frame: np.ndarray) -> tuple[np.ndarray, bool]:
        """The face crop (or the whole frame) and whether a face was found."""
        box = self.largest_face(frame)
        if box is None:
            return frame, False
        x, y, w, h = box
        dx, dy = int(w * self.margin), int(h * self.margin)
        top, left = max(0, y - dy), max(0, x - dx)
        return frame[top : y + h + dy, left : x + w + dx], True
