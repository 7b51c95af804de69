"""The model registry: ``create_model(name, spec, **config)``, like timm's ``create_model``.

Each model module registers its class with :func:`register`; the built-in modules are imported on first use.
"""

from __future__ import annotations

from typing import Any

from emoflow.core.device import rng_section
from emoflow.core.registry import Registry
from emoflow.models.base import DataSpec, DialogueModel

MODELS: Registry[DialogueModel] = Registry(
    "model",
    (
        "emoflow.models.mlp.model",
        "emoflow.models.bc_lstm.model",
        "emoflow.models.dialoguegcn.model",
        "emoflow.models.mmgcn.model",
        "emoflow.models.amb_dsgdn.model",
        "emoflow.models.ar_iigcn.model",
        "emoflow.models.cascla.model",
        "emoflow.models.cmcf_agcn.model",
    ),
)
register = MODELS.register
model_classes = MODELS.classes
model_class = MODELS.get
model_config = MODELS.config


def create_model(name: str, spec: DataSpec, **config: Any) -> DialogueModel:
    """Model ``name`` sized by ``spec`` with its config dataclass built from ``config``; unknown fields are errors."""
    with rng_section():  # initialisation draws from the process-wide generators: never during a seeded run
        return model_class(name)(spec, model_config(name, **config))
