"""COMET clue vectors: six relations per utterance from a real (tiny, random) BART checkpoint built here."""

from __future__ import annotations

import numpy as np
import pytest
from text_inputs import LINES, rows, tiny_tokenizer

from emoflow.extractors.base import WeightsError
from emoflow.extractors.comet_clues import RELATIONS, clue_inputs
from emoflow.extractors.registry import create_extractor


@pytest.fixture(scope="module")
def tiny_comet(tmp_path_factory):
    """A random 2+2-layer BART (COMET's architecture) with its tokenizer."""
    from transformers import BartConfig, BartForConditionalGeneration

    folder = tmp_path_factory.mktemp("tiny-comet")
    texts = [t for *_, t, _, _ in LINES] + [" ".join(RELATIONS)]
    tokenizer = tiny_tokenizer(folder, texts)
    config = BartConfig(
        vocab_size=len(tokenizer),
        d_model=16,
        encoder_layers=2,
        decoder_layers=2,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=32,
        decoder_ffn_dim=32,
        max_position_embeddings=64,
        pad_token_id=1,
    )
    BartForConditionalGeneration(config).save_pretrained(folder)
    return folder


def test_inputs_put_the_mask_between_utterance_and_relation():
    texts = clue_inputs(rows()[:1], "{utterance} {mask} {relation}", "<mask>")
    assert texts == [f"I can't believe you did that! <mask> {r}" for r in RELATIONS]


def test_six_relation_clues_per_utterance_side_by_side(tiny_comet, tmp_path):
    extractor = create_extractor("comet_clues", model=str(tiny_comet), device="cpu", batch_size=5)
    result = extractor.extract(rows(), cache_dir=tmp_path, progress=False)
    assert extractor.modality == "text" and extractor.extractor_id.startswith("comet_clues-")
    assert result.vectors.shape == (8, 6 * 16) and np.isfinite(result.vectors).all()
    blocks = result.vectors.reshape(8, 6, 16)
    assert not np.allclose(blocks[:, 0], blocks[:, 3])  # xReact and oReact inputs differ, so do their clues
    again = create_extractor("comet_clues", model=str(tiny_comet), device="cpu", batch_size=48)
    np.testing.assert_allclose(
        again.extract(rows(), cache_dir=tmp_path, progress=False).vectors, result.vectors, atol=1e-5
    )
    assert result.details["relations"] == list(RELATIONS)


def test_without_a_checkpoint_the_error_says_what_to_give(tmp_path):
    with pytest.raises(WeightsError, match="needs a COMET checkpoint"):
        create_extractor("comet_clues").extract(rows(), cache_dir=tmp_path, progress=False)
