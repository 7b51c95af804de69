import hashlib

import numpy as np
import pytest

from emoflow.extractors.base import UtteranceInput
from emoflow.extractors.face_expression import EXPRESSIONS, MODEL, expression_network
from emoflow.extractors.faces import FaceCropper
from emoflow.extractors.keras_cnn import KerasLayer, same_padding
from emoflow.extractors.packaged_files import packaged_file
from emoflow.extractors.registry import create_extractor

pytestmark = pytest.mark.media


def utterance(path, uid):
    return UtteranceInput(uid, "d0", 0, "Ana", "text", None, None, str(path), None, None, None, f"h-{uid}")


def drawn_face(mouth: str) -> np.ndarray:
    """A cartoon face, 256x256 RGB: eyes, brows, nose and a ``smile`` or a ``frown``."""
    import cv2

    image = np.full((256, 256, 3), 40, np.uint8)
    cv2.ellipse(image, (128, 128), (80, 105), 0, 0, 360, (200, 170, 150), -1)
    for x in (98, 158):
        cv2.ellipse(image, (x, 105), (14, 8), 0, 0, 360, (255, 255, 255), -1)
        cv2.circle(image, (x, 105), 6, (30, 30, 30), -1)
        cv2.line(image, (x - 16, 84), (x + 16, 84), (60, 40, 30), 4)
    cv2.line(image, (128, 110), (128, 150), (150, 120, 100), 3)
    if mouth == "smile":
        cv2.ellipse(image, (128, 165), (40, 22), 0, 0, 180, (120, 40, 40), 5)
    else:
        cv2.ellipse(image, (128, 190), (40, 22), 0, 180, 360, (120, 40, 40), 5)
    return image


def test_keras_same_padding_puts_the_odd_pixel_after():
    assert same_padding(30, 3, 2) == (0, 1)  # torch's symmetric padding=1 would shift every window
    assert same_padding(15, 3, 2) == (1, 1)
    assert same_padding(64, 3, 1) == (1, 1)
    assert same_padding(30, 1, 2) == (0, 0)


def test_unknown_layers_and_unread_weights_are_errors():
    with pytest.raises(ValueError, match="Dense is not supported"):
        KerasLayer("Dense", {"name": "dense_1"}, {})
    with pytest.raises(ValueError, match=r"weights \['extra'\] were not read"):
        KerasLayer("Activation", {"name": "act", "activation": "relu"}, {"extra": np.zeros(1)})


def test_the_expression_network_reads_the_wheel_and_sees_a_smile():
    import cv2
    import torch

    network, path = expression_network()
    assert path == packaged_file(*MODEL) and network.input_size == (64, 64) and network.channels == 1
    faces = [
        cv2.resize(cv2.cvtColor(drawn_face(m), cv2.COLOR_RGB2GRAY), (64, 64), interpolation=cv2.INTER_AREA)
        for m in ("smile", "frown")
    ]
    x = (torch.from_numpy(np.stack(faces)).float()[:, None] / 255 - 0.5) * 2
    with torch.inference_mode():
        out = network(x, ("add_4", "predictions"))
    probabilities = out["predictions"].numpy()
    np.testing.assert_allclose(probabilities.sum(1), 1.0, rtol=1e-5)
    assert out["add_4"].shape == (2, 128, 4, 4)
    happy = EXPRESSIONS.index("happy")
    assert probabilities[0, happy] > 3 * probabilities[1, happy]  # a smile reads happier than a frown


def test_mtcnn_finds_the_face_haar_finds_and_nothing_in_colour_bars():
    import cv2

    from emoflow.cli.demo_corpus.render import face_image

    portrait = cv2.cvtColor(cv2.imread(str(face_image())), cv2.COLOR_BGR2RGB)
    mtcnn, haar = FaceCropper(detector="mtcnn"), FaceCropper(detector="haar")
    (x0, y0, w0, h0), (x1, y1, w1, h1) = mtcnn.largest_face(portrait), haar.largest_face(portrait)
    overlap = max(0, min(x0 + w0, x1 + w1) - max(x0, x1)) * max(0, min(y0 + h0, y1 + h1) - max(y0, y1))
    assert overlap / (w0 * h0 + w1 * h1 - overlap) > 0.5  # the same face
    bars = np.tile(np.linspace(0, 255, 160, dtype=np.uint8)[None, :, None], (120, 1, 3))
    assert mtcnn.largest_face(bars) is None


@pytest.mark.parametrize(
    ("output", "pooling", "dim"), [("both", "mean", 135), ("probabilities", "mean_std", 14), ("embedding", "mean", 128)]
)
def test_expression_features_of_a_clip_an_image_and_a_bad_file(demo_dir, tmp_path, output, pooling, dim):
    import cv2

    clip = sorted((demo_dir / "clips").glob("*.mp4"))[0]
    image = tmp_path / "face.png"
    cv2.imwrite(str(image), cv2.cvtColor(drawn_face("smile"), cv2.COLOR_RGB2BGR))
    extractor = create_extractor("face_expression", output=output, pooling=pooling, max_frames=3)
    rows = [utterance(clip, "clip"), utterance(image, "image"), utterance(tmp_path / "missing.mp4", "bad")]
    result = extractor.extract(rows, cache_dir=tmp_path, progress=False)
    assert result.utterance_ids == ["clip", "image"] and result.vectors.shape == (2, dim)
    assert [e.utterance_id for e in result.errors] == ["bad"] and "missing.mp4" in result.errors[0].reason
    if output != "embedding":
        np.testing.assert_allclose(result.vectors[:, :7].sum(1), 1.0, rtol=1e-4)  # mean of distributions
    assert result.details["frames_with_face"] >= result.details["frames"] - 1  # Grace Hopper's face in every frame
    assert result.details["face_detector"] == "mtcnn"
    assert result.details["weights_sha256"] == hashlib.sha256(packaged_file(*MODEL).read_bytes()).hexdigest()


def test_mirror_averages_a_face_with_its_mirror_image(tmp_path):
    import cv2

    face = drawn_face("smile")
    face[40:70, 30:90] = 255  # a patch on one side only: the image and its mirror differ
    for name, image in (("face", face), ("mirrored", face[:, ::-1])):
        cv2.imwrite(str(tmp_path / f"{name}.png"), cv2.cvtColor(np.ascontiguousarray(image), cv2.COLOR_RGB2BGR))
    rows = [utterance(tmp_path / "face.png", "face"), utterance(tmp_path / "mirrored.png", "mirrored")]
    plain = create_extractor("face_expression", faces="whole").extract(rows, cache_dir=tmp_path, progress=False)
    both = create_extractor("face_expression", faces="whole", mirror=True)
    mirrored = both.extract(rows, cache_dir=tmp_path, progress=False)
    assert not np.allclose(plain.vectors[0], plain.vectors[1], atol=1e-3)
    np.testing.assert_allclose(mirrored.vectors[0], mirrored.vectors[1], atol=1e-5)
