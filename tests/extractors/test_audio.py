import csv
import shutil

import numpy as np
import pytest

from emoflow.extractors.audio_bilstm import AudioEncoder, shorten
from emoflow.extractors.base import UtteranceInput, WeightsError
from emoflow.extractors.registry import create_extractor

pytestmark = pytest.mark.media


def utterance(path, uid="u0", split="train", label="joy", start=None, end=None, dialogue="d0", turn=0):
    return UtteranceInput(uid, dialogue, turn, "Ana", "text", label, split, None, str(path), start, end, f"h-{uid}")


@pytest.mark.parametrize(("feature_set", "dim"), [("IS10", 1582), ("eGeMAPSv02", 88)])
def test_functionals_have_the_feature_sets_size(media_dir, tmp_path, feature_set, dim):
    extractor = create_extractor("opensmile", feature_set=feature_set)
    rows = [utterance(media_dir / "tone.flac", "a"), utterance(media_dir / "clip.webm", "b")]
    result = extractor.extract(rows, cache_dir=tmp_path, progress=False)
    assert result.vectors.shape == (2, dim) and not result.errors and result.frames is None
    again = extractor.extract(rows, cache_dir=tmp_path, progress=False)
    np.testing.assert_array_equal(again.vectors, result.vectors)


def test_lld_sequences_follow_the_segment_length(media_dir, tmp_path):
    extractor = create_extractor("opensmile", feature_set="IS10", level="lld")
    rows = [utterance(media_dir / "tone.wav", "whole"), utterance(media_dir / "tone.wav", "half", start=0.5, end=1.25)]
    result = extractor.extract(rows, cache_dir=tmp_path, progress=False)
    whole, half = result.frames
    assert whole.shape[1] == half.shape[1] == 38  # IS10's low-level descriptors
    assert len(whole) == pytest.approx(150, abs=6) and len(half) == pytest.approx(75, abs=6)  # 10 ms hop
    np.testing.assert_allclose(result.vectors[0], whole.mean(0), rtol=1e-5)


def test_bad_audio_becomes_an_error_and_the_rest_goes_on(media_dir, tmp_path):
    extractor = create_extractor("opensmile", feature_set="eGeMAPSv02")
    rows = [
        utterance(media_dir / "silent.mp4", "mute"),
        utterance(media_dir / "tone.mp3", "good"),
        utterance(media_dir / "corrupt.mp4", "broken"),
    ]
    result = extractor.extract(rows, cache_dir=tmp_path, progress=False)
    assert result.utterance_ids == ["good"]
    reasons = {e.utterance_id: e.reason for e in result.errors}
    assert "silent.mp4: no audio stream" in reasons["mute"] and "corrupt.mp4" in reasons["broken"]
    assert all(e.extractor == extractor.extractor_id for e in result.errors)


def test_shorten_averages_windows_and_caps_length():
    sequence = np.arange(20, dtype=np.float32).reshape(10, 2)
    np.testing.assert_array_equal(shorten(sequence, 4, 100), [[3, 4], [11, 12]])
    assert shorten(sequence[:2], 4, 100).shape == (1, 2)
    assert len(shorten(np.zeros((1000, 3), np.float32), 1, 300)) <= 300


def test_encoder_ignores_padding():
    import torch

    torch.manual_seed(0)
    encoder = AudioEncoder(in_dim=5, hidden=8, out_dim=6, num_classes=3, dropout=0.0).eval()
    x = torch.randn(1, 7, 5)
    padded = torch.cat([x, torch.full((1, 4, 5), 9.0)], dim=1)
    alone = encoder.embed(x, torch.tensor([7]))
    with_padding = encoder.embed(padded, torch.tensor([7]))
    torch.testing.assert_close(alone, with_padding)
    assert alone.shape == (1, 6) and alone.abs().max() <= 1  # tanh(FC)


def test_bilstm_encoder_trains_once_and_embeds_every_utterance(demo_dir, tmp_path):
    clips = sorted((demo_dir / "clips").glob("*.mp4"))[:12]
    rows = [
        utterance(
            c,
            c.stem,
            split=("train", "train", "val", None)[i % 4],
            label=("joy", "anger")[i % 2] if i % 4 != 3 else None,
            dialogue=f"d{i // 4}",
            turn=i % 4,
        )
        for i, c in enumerate(clips)
    ]
    extractor = create_extractor("audio_bilstm", epochs=3, hidden=16, out_dim=10, device="cpu")
    assert extractor.uses_labels
    first = extractor.extract(rows, cache_dir=tmp_path, progress=False)
    assert first.vectors.shape == (12, 10) and np.isfinite(first.vectors).all()
    training = first.details["training"]
    assert training["reused"] is False and training["classes"] == ["anger", "joy"] and len(training["history"]) == 3
    assert list(tmp_path.glob("encoder-*.safetensors")) and list(tmp_path.glob("encoder-*.json"))
    again = extractor.extract(rows, cache_dir=tmp_path, progress=False)
    assert again.details["training"]["reused"] is True
    np.testing.assert_allclose(again.vectors, first.vectors, atol=1e-5)
    elsewhere = extractor.extract(rows, cache_dir=tmp_path / "another-store", progress=False)
    assert elsewhere.details["training"]["reused"] is False
    assert np.array_equal(elsewhere.vectors, first.vectors)  # trained again from scratch: bit-identical


@pytest.mark.slow
def test_an_encoder_trained_on_one_dataset_serves_another_without_labels(demo_dir, tmp_path):
    from emoflow.extractors.run import extract_features
    from emoflow.models.recipe import feature_recipe, recipe_extractor
    from emoflow.storage import FeatureStore, ingest_corpus

    store = FeatureStore(tmp_path / "store")
    ingest_corpus(demo_dir, "demo", store, progress=False)
    trained = create_extractor("audio_bilstm", epochs=2, hidden=16, out_dim=10, device="cpu")
    extract_features(store, "demo", trained, progress=False)
    # the same recordings as a new corpus: no labels, no splits, other utterance ids
    with open(demo_dir / "manifest.csv", newline="") as handle:
        first = list(csv.DictReader(handle))[:12]
    folder = tmp_path / "new"
    folder.mkdir()
    (folder / "clips").mkdir()
    for r in first:
        shutil.copy(demo_dir / r["video_path"], folder / r["video_path"])
    with open(folder / "manifest.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["dialogue_id", "utterance_id", "turn", "speaker", "video_path"])
        for r in first:
            writer.writerow(
                [f"new-{r['dialogue_id']}", f"new-{r['utterance_id']}", r["turn"], r["speaker"], r["video_path"]]
            )
    ingest_corpus(folder, "new", store, progress=False)

    recipe = feature_recipe(store, "demo", {"audio": trained.extractor_id})
    assert recipe["audio"]["reuse"]["encoder"] and recipe["audio"]["trained_on"] == "demo"
    reused = recipe_extractor("audio", recipe["audio"])
    assert not reused.uses_labels  # no labels needed: the demo's encoder and its standardisation are used
    extract_features(store, "new", reused, progress=False)
    old = store.read_features("demo", "audio", trained.extractor_id)
    new = store.read_features("new", "audio", reused.extractor_id)
    by_id = dict(zip(old.utterance_ids, old.vectors, strict=True))
    assert len(new.utterance_ids) == 12
    for uid, vector in zip(new.utterance_ids, new.vectors, strict=True):
        np.testing.assert_allclose(vector, by_id[uid.removeprefix("new-")], atol=1e-5)

    missing = create_extractor("audio_bilstm", epochs=2, hidden=16, out_dim=10, device="cpu", encoder="0" * 16)
    with pytest.raises(WeightsError, match="audio encoder 0000000000000000 is not among the store's trained"):
        extract_features(store, "new", missing, progress=False)
