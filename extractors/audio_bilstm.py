"""AR-IIGCN's audio encoder (§III-B, item 3): Bi-LSTM + attention + fully connected layer, 100-d per utterance.

The paper names the three layers and the output size only; the rest is chosen here and configurable: the
input is the openSMILE LLD sequence (IS10's 38 descriptors at a 10 ms hop), z-scored with train statistics;
additive attention pools the Bi-LSTM states; ``tanh(FC)`` gives the feature; a linear head trains it on the
train split's labels (validation-selected, :mod:`extractors.training`). The trained encoder is a cached stage:
``<cache>/encoder-<key>.safetensors`` with ``<key>`` hashing the config and every train/val utterance's content
hash and label, so unchanged data and settings reuse it. Every utterance, labelled or not, gets a vector.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from emoflow.core.device import resolve_device, rng_section, seeded
from emoflow.extractors.audio_opensmile import SmileRunner
from emoflow.extractors.base import (
    Extraction,
    Extractor,
    UtteranceInput,
    WeightsError,
    batches,
    config_hash,
)
from emoflow.extractors.options.audio_bilstm import AudioBiLSTMConfig
from emoflow.extractors.registry import register
from emoflow.extractors.training import labelled_splits, train_classifier, training_key
from emoflow.storage.atomic import atomic_path, write_text_atomic


class AudioEncoder(nn.Module):
    """Bi-LSTM over ``[batch, frames, lld]``, attention pooling over valid frames, ``tanh(FC)`` to ``out_dim``.

    Shapes: ``embed(x, lengths)`` -> ``[batch, out_dim]``; ``forward`` adds the training head -> ``[batch, classes]``.
    """

    def __init__(self, in_dim: int, hidden: int, out_dim: int, num_classes: int, dropout: float) -> None:
        super().__init__()
        self.lstm = nn.LSTM(in_dim, hidden, batch_first=True, bidirectional=True)
        self.attention = nn.Sequential(nn.Linear(2 * hidden, hidden), nn.Tanh(), nn.Linear(hidden, 1))
        self.fc = nn.Linear(2 * hidden, out_dim)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(out_dim, num_classes)

    def embed(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """The utterance feature."""
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
        states, _ = self.lstm(packed)
        states, _ = nn.utils.rnn.pad_packed_sequence(states, batch_first=True, total_length=x.shape[1])
        scores = self.attention(states).squeeze(-1)
        valid = torch.arange(x.shape[1], device=x.device)[None, :] < lengths.to(x.device)[:, None]
        weights = scores.masked_fill(~valid, float("-inf")).softmax(-1)
        return torch.tanh(self.fc((weights.unsqueeze(-1) * states).sum(1)))

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """Class logits (used only to train the encoder)."""
        return self.head(self.dropout(self.embed(x, lengths)))


def pad(sequences: Sequence[np.ndarray], device: str) -> tuple[torch.Tensor, torch.Tensor]:
    """Zero-padded ``[batch, frames, dim]`` and the lengths."""
    lengths = torch.tensor([len(s) for s in sequences])
    x = torch.zeros(len(sequences), int(lengths.max()), sequences[0].shape[1])
    for i, s in enumerate(sequences):
        x[i, : len(s)] = torch.from_numpy(s)
    return x.to(device), lengths


def shorten(sequence: np.ndarray, stride: int, max_frames: int) -> np.ndarray:
    """Mean over windows of ``stride`` frames (10 ms -> 40 ms at 4), then every k-th window beyond ``max_frames``."""
    usable = max(1, len(sequence) // stride) * stride
    windows = sequence[:usable].reshape(-1, min(stride, len(sequence)), sequence.shape[1]).mean(1)
    return windows[:: -(-len(windows) // max_frames)]


@register
class AudioBiLSTM(Extractor):
    """Trained Bi-LSTM + attention + FC encoder over openSMILE LLDs: ``[out_dim]`` (100) per utterance."""

    name = "audio_bilstm"
    modality = "audio"
    Config = AudioBiLSTMConfig

    @property
    def uses_labels(self) -> bool:
        """The encoder trains on the train/val labels, unless a trained one is given."""
        return not self.config.encoder

    @classmethod
    def reuse_options(cls, details: Mapping[str, Any]) -> dict[str, Any]:
        """The trained encoder's key: ``{"encoder": key}``."""
        return {"encoder": details["encoder_key"]} if details.get("encoder_key") else {}

    def extract(self, rows: Sequence[UtteranceInput], *, cache_dir: Path, progress: bool = True) -> Extraction:
        """LLDs for every row, the encoder trained (or found in the cache), then one vector per row."""
        from safetensors.torch import load_file, save_file

        config: AudioBiLSTMConfig = self.config
        device = resolve_device(config.device)
        runner = SmileRunner(config.feature_set, "lld", config.sample_rate, config.workers)
        ids, llds, errors = runner.run(rows, self.error, progress=progress, desc=f"audio LLDs {self.extractor_id}")
        llds = [shorten(s, config.frame_stride, config.max_frames) for s in llds]
        if not ids:
            return Extraction([], np.zeros((0, config.out_dim), np.float32), errors=errors)
        sequences = dict(zip(ids, llds, strict=True))
        usable = [r for r in rows if r.utterance_id in sequences]
        key = config.encoder or training_key(config_hash(config), usable)
        weights = cache_dir / f"encoder-{key}.safetensors"
        report_file = weights.with_suffix(".json")
        if config.encoder and not report_file.is_file():
            raise WeightsError(
                f"audio encoder {key} is not among the store's trained stages ({cache_dir}): extract audio_bilstm "
                "on the dataset it was trained on, in this store, first (emoflow extract --dataset <that dataset> "
                "--modalities audio)"
            )
        if report_file.is_file():
            report = {**json.loads(report_file.read_text()), "reused": True}
            tensors = load_file(str(weights))
            with rng_section():  # initial weights, replaced by the cached ones
                encoder = self._encoder(next(iter(llds)).shape[1], len(report["classes"]))
            encoder.load_state_dict({k: v for k, v in tensors.items() if not k.startswith("norm.")})
            mean, std = tensors["norm.mean"].numpy(), tensors["norm.std"].numpy()
        else:
            train_rows, val_rows, classes = labelled_splits(usable)
            stacked = np.concatenate([sequences[r.utterance_id] for r in train_rows])
            mean, std = stacked.mean(0), stacked.std(0) + 1e-5
            index = {c: i for i, c in enumerate(classes)}

            def make_batches(subset: list[UtteranceInput]) -> list[Any]:
                return [
                    (
                        pad([(sequences[r.utterance_id] - mean) / std for r in chunk], device),
                        torch.tensor([index[r.label or ""] for r in chunk], device=device),
                    )
                    for chunk in batches(subset, config.train_batch_size)
                ]

            with seeded(config.seed):  # before the weights are drawn: same inputs, same encoder, in any store
                encoder = self._encoder(stacked.shape[1], len(classes)).to(device)
                training = train_classifier(
                    encoder,
                    lambda inputs: encoder(*inputs),
                    make_batches(train_rows),
                    make_batches(val_rows),
                    classes,
                    epochs=config.epochs,
                    lr=config.lr,
                    seed=config.seed,
                    progress=progress,
                    desc="training audio encoder",
                )
            report = {**training.as_dict(), "config": asdict(config), "train_utterances": len(train_rows)}
            tensors = {k: v.detach().cpu().contiguous() for k, v in encoder.state_dict().items()}
            with atomic_path(weights) as partial:
                norm = {"norm.mean": torch.from_numpy(mean), "norm.std": torch.from_numpy(std)}
                save_file({**tensors, **norm}, str(partial))
            write_text_atomic(report_file, json.dumps(report, indent=2))  # written last: it marks the stage complete
            report["reused"] = False
        encoder.to(device).eval()
        vectors = np.zeros((len(ids), config.out_dim), np.float32)
        with torch.inference_mode():
            for start, chunk in enumerate(batches(llds, config.batch_size)):
                x, lengths = pad([(s - mean) / std for s in chunk], device)
                first = start * config.batch_size
                vectors[first : first + len(chunk)] = encoder.embed(x, lengths).cpu().numpy()
        details = {"encoder": str(weights), "encoder_key": key, "training": report}
        return Extraction(ids, vectors, errors=errors, details=details)

    def _encoder(self, in_dim: int, num_classes: int) -> AudioEncoder:
        c: AudioBiLSTMConfig = self.config
        return AudioEncoder(in_dim, c.hidden, c.out_dim, num_classes, c.dropout)
