"""Model settings files: one per model, every value citing its source, every key a real option."""

from __future__ import annotations

import pytest

from emoflow.models.base import DataSpec
from emoflow.models.registry import create_model, model_classes
from emoflow.models.training.settings import TrainConfig, load_settings, read_settings_file

MODELS = sorted(model_classes())
MELD_CLASSES = ("anger", "disgust", "fear", "joy", "neutral", "sadness", "surprise")


@pytest.mark.parametrize("name", MODELS)
def test_every_value_cites_its_source(name):
    for number, line in enumerate(read_settings_file(name)[0].splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or stripped.endswith(":"):
            continue  # comments, blank lines and section headers
        value, _, source = stripped.partition("#")
        assert source.strip(), f"{name}.yaml line {number}: {value.strip()!r} does not say where it comes from"


@pytest.mark.parametrize("name", MODELS)
def test_settings_build_the_model_and_the_trainer(name):
    settings = load_settings(name)
    spec = DataSpec({"text": 8, "audio": 4}, 7, num_speakers=9, classes=MELD_CLASSES)
    model = create_model(name, spec, **settings.model)
    assert model.config_dict() == {**model.config_dict(), **settings.model}
    TrainConfig.from_dict(settings.train)


def test_amb_dsgdn_settings_are_the_papers():
    settings = load_settings("amb_dsgdn")
    assert settings.model["hidden"] == 512 and settings.model["window"] == 5
    assert (settings.model["q_base"], settings.model["lam"], settings.model["p_exe"]) == (0.3, 0.9, 0.5)
    assert settings.train == {**settings.train, "epochs": 100, "batch_size": 16, "lr": 0.000068, "weight_decay": 5e-5}


def test_unknown_models_and_files_are_clear_errors(tmp_path):
    with pytest.raises(ValueError, match="no settings for model 'gpt' in emoflow's configs/models"):
        load_settings("gpt")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_settings(str(tmp_path / "missing.yaml"))
    bad = tmp_path / "bad.yaml"
    bad.write_text("model:\n  hidden: 8\noptimizer:\n  lr: 1\n")
    with pytest.raises(ValueError, match="unknown sections"):
        load_settings(str(bad))
    with pytest.raises(ValueError, match="train settings has no option learning_rate; its options: amp, batch_size"):
        TrainConfig.from_dict({"learning_rate": 1})


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"lr": 0}, "lr=0: input should be greater than 0"),
        ({"epochs": "ten"}, "epochs='ten': input should be a valid integer"),
        ({"patience": 0}, "patience=0: input should be greater than 0"),
        ({"class_weights": "maybe"}, "class_weights='maybe': input should be a valid boolean"),
    ],
)
def test_train_settings_of_the_wrong_type_or_range_name_the_key_and_the_value(values, message):
    with pytest.raises(ValueError, match=f"train settings: bad option value {message}"):
        TrainConfig.from_dict(values)
    assert TrainConfig.from_dict({"lr": "5e-4", "epochs": "3"}).epochs == 3  # numbers given as text are numbers
