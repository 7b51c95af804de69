"""Visual features: frames from the utterance's segment, the largest face cropped, a CNN's pooled features.

The papers' recipe (AR-IIGCN §III-B item 2, CaSCLA §3.1, AMB-DSGDN §5.4) is DenseNet on the speaker's face;
DenseNet-121's penultimate layer gives 1024-d per frame, pooled over the sampled frames (mean by default).
Projection to the papers' 512 or 342 dimensions belongs to the models, not here. Frames are decoded and
cropped in parallel threads; the CNN runs on batches of frames across utterances.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from emoflow.core.device import resolve_device
from emoflow.extractors.base import (
    Extraction,
    Extractor,
    UtteranceInput,
)
from emoflow.extractors.face_frames import count_faces, face_chunks
from emoflow.extractors.faces import detector_details
from emoflow.extractors.image_backbones import load_backbone
from emoflow.extractors.options.visual_cnn import VisualCNNConfig
from emoflow.extractors.registry import register
from emoflow.extractors.weights_identity import weights_file_sha256
from emoflow.storage.store import ErrorRecord


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
        autocast = torch.autocast("cuda", dtype=torch.float16, enabled=device.startswith("cuda") and config.fp16)

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
        for prepared, chunk_errors, count in face_chunks(self, rows, size=backbone.input_size):
            errors += chunk_errors
            if prepared:
                images = np.concatenate([p.crops for p in prepared])
                embedded = np.zeros((len(images), backbone.dim), np.float32)
                with torch.inference_mode(), autocast:
                    for start in range(0, len(images), config.batch_size):
                        x = torch.from_numpy(images[start : start + config.batch_size]).to(device)
                        x = (x.permute(0, 3, 1, 2).float() / 255.0 - mean) / std
                        embedded[start : start + len(x)] = backbone.features(x).float().cpu().numpy()
                offset = 0
                for item in prepared:
                    vectors = embedded[offset : offset + len(item.crops)]
                    offset += len(item.crops)
                    ids.append(item.row.utterance_id)
                    pooled.append(vectors.mean(0) if config.pooling == "mean" else vectors.max(0))
                    per_frame.append(vectors)
                    count_faces(details, item, config.faces)
            bar.update(count)
        bar.close()
        vectors = np.stack(pooled) if pooled else np.zeros((0, backbone.dim), np.float32)
        return Extraction(
            ids, vectors, frames=per_frame if config.keep_frames else None, errors=errors, details=details
        )
