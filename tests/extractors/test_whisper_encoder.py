"""Whisper's encoder rebuilt in torch from CTranslate2 weights: the same states as CTranslate2's own encoder."""

from __future__ import annotations

import struct

import numpy as np
import pytest
import torch

from emoflow.extractors.ctranslate2_weights import WeightsFormatError, read_ctranslate2
from emoflow.extractors.whisper_encoder import WhisperEncoder
from emoflow.extractors.whisper_models import resolve_whisper

pytestmark = pytest.mark.media


def test_the_last_layer_equals_ctranslate2_s_encoder_output():
    import ctranslate2

    weights = resolve_whisper("whisper-tiny.en")
    encoder = WhisperEncoder.from_file(weights.folder / "model.bin")
    assert (encoder.layers, encoder.dim, encoder.n_mels) == (4, 384, 80)
    mels = np.random.default_rng(0).normal(-0.3, 0.4, (1, 80, 3000)).astype(np.float32)  # one 30 s window
    with torch.inference_mode():
        layers = encoder(torch.from_numpy(mels), torch.tensor([3000]))
    reference = ctranslate2.models.Whisper(str(weights.folder), device="cpu", compute_type="float32")
    expected = np.asarray(reference.encode(ctranslate2.StorageView.from_array(mels), to_cpu=True))
    assert len(layers) == 4 and layers[-1].shape == expected.shape == (1, 1500, 384)
    np.testing.assert_allclose(layers[-1].numpy(), expected, atol=2e-3, rtol=1e-3)


def test_a_truncated_or_foreign_file_is_a_clear_error(tmp_path):
    weights = resolve_whisper("whisper-tiny.en").folder / "model.bin"
    cut = tmp_path / "model.bin"
    cut.write_bytes(weights.read_bytes()[:5000])
    with pytest.raises(WeightsFormatError, match=r"model\.bin.*(truncated|past the end)"):
        read_ctranslate2(cut)
    foreign = tmp_path / "foreign.bin"
    foreign.write_bytes(struct.pack("<I", 99) + b"\0" * 64)
    with pytest.raises(WeightsFormatError, match="format version 99"):
        read_ctranslate2(foreign)
