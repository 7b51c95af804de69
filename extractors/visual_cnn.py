"""Visual features: frames from the utterance's segment, the largest face cropped, a CNN's pooled features.

The papers' recipe (AR-IIGCN §III-B item 2, CaSCLA §3.1, AMB-DSGDN §5.4) is DenseNet on the speaker's face;
DenseNet-121's penultimate layer gives 1024-d per frame, pooled over the sampled frames (mean by default).
Projection to the papers' 512 or 342 dimensions belongs to the models, not here. Frames are decoded and
cropped in parallel threads; the CNN runs on batches of frames across utterances.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from emoflow.core.device import resolve_device
from emoflow.extractors.base import (
    Extraction,
    Extractor,
    UtteranceInput,
    batches,
)
from emoflow.extractors.faces import FaceCropper, detector_details, face_crops
from emoflow.extractors.image_backbones import load_backbone
from emoflow.extractors.media import decode_frames, failure_reason
from emoflow.extractors.options.visual_cnn import VisualCNNConfig
from emoflow.extractors.registry import register
from emoflow.extractors.weights_identity import weights_file_sha256
from emoflow.storage.store import ErrorRecord

CHUNK_UTTERANCES = 32
"""Utterances decoded ahead of the CNN: bounds memory to a few hundred MB of frames."""


@register
class VisualCNN(Extractor):
    """Face-crop CNN features pooled over the segment's frames: ``[dim]`` per utterance (1024 for DenseNet-121)."""

    name = "visual_cnn"
    modality = "visual"
    Config = VisualCNNConfig
    counted_details = ("frames", "frames_with_face", "no_face_utterances")

    def extract(self, rows: Sequence[UtteranceInput], *, cache_dir: Path, progress: bool = True) -> Extraction:
        """Decode, crop, embed and pool every row's frames."""
        import torch

        config: VisualCNNConfig = self.config
        device = resolve_device(config.device)
        backbone = load_backbone(config.backbone, config.weights)
        backbone.model.to(device)
        mean = torch.tensor(backbone.mean, device=device).view(1, 3, 1, 1)
        std = torch.tensor(backbone.std, device=device).view(1, 3, 1, 1)
        cropper = FaceCropper(detector=config.detector) if config.faces != "whole" else None
        autocast = torch.autocast("cuda", dtype=torch.float16, enabled=device.startswith("cuda") and config.fp16)

        def prepare(row: UtteranceInput) -> tuple[np.ndarray, int] | ErrorRecord:
            try:
                frames = decode_frames(
                    row.video_path or "", row.start_s, row.end_s, fps=config.fps, max_frames=config.max_frames
                )
                return face_crops(frames, cropper, backbone.input_size)
            except Exception as error:  # one bad file is recorded, the batch goes on
                return self.error(row, failure_reason(error, row.video_path), row.video_path)

        ids: list[str] = []
        pooled: list[np.ndarray] = []
        per_frame: list[np.ndarray] = []
        errors: list[ErrorRecord] = []
        details: dict[str, Any] = {
            "backbone": backbone.name,
            "weights": backbone.weights,
            "weights_sha256": weights_file_sha256(backbone.weights),
            "pretrained": backbone.pretrained,
            "no_face_utterances": [],
            "frames": 0,
            "frames_with_face": 0,
            **detector_details(config.detector),
        }
        bar = tqdm(total=len(rows), desc=f"visual {self.extractor_id}", unit="utt", disable=not progress)
        with ThreadPoolExecutor(max_workers=config.workers or os.cpu_count() or 1) as pool:
            for chunk in batches(rows, CHUNK_UTTERANCES):
                prepared = []
                for row, result in zip(chunk, pool.map(prepare, chunk), strict=True):
                    if isinstance(result, ErrorRecord):
                        errors.append(result)
                    elif config.faces == "require" and result[1] == 0:
                        errors.append(
                            self.error(
                                row, f"{row.video_path}: no face found in {len(result[0])} frames", row.video_path
                            )
                        )
                    else:
                        prepared.append((row, *result))
                if prepared:
                    images = np.concatenate([p[1] for p in prepared])
                    embedded = np.zeros((len(images), backbone.dim), np.float32)
                    with torch.inference_mode(), autocast:
                        for start in range(0, len(images), config.batch_size):
                            x = torch.from_numpy(images[start : start + config.batch_size]).to(device)
                            x = (x.permute(0, 3, 1, 2).float() / 255.0 - mean) / std
                            embedded[start : start + len(x)] = backbone.features(x).float().cpu().numpy()
                    offset = 0
                    for row, crops, found in prepared:
                        vectors = embedded[offset : offset + len(crops)]
                        offset += len(crops)
                        ids.append(row.utterance_id)
                        pooled.append(vectors.mean(0) if config.pooling == "mean" else vectors.max(0))
                        per_frame.append(vectors)
                        details["frames"] += len(crops)
                        details["frames_with_face"] += found
                        if found == 0 and config.faces == "crop":
                            details["no_face_utterances"].append(row.utterance_id)
                bar.update(len(chunk))
        bar.close()
        vectors = np.stack(pooled) if pooled else np.zeros((0, backbone.dim), np.float32)
        return Extraction(
            ids, vectors, frames=per_frame if config.keep_frames else None, errors=errors, details=details
        )
