"""The model registry: ``create_model(name, spec, **config)``, like timm's ``create_model``.

Each model package holds ``config.py`` (its frozen ``Config``, importing nothing heavy) and ``model.py`` (the
network, registered with :func:`register`). Listing and checking options imports the configs only; a model's
module is imported when it is first built.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from emoflow.core.registry import Builtin, Registry

if TYPE_CHECKING:
    from emoflow.models.base import DataSpec, DialogueModel

CONFIGS = {
    "mlp": "MLPConfig",
    "bc_lstm": "BCLSTMConfig",
    "dialoguegcn": "DialogueGCNConfig",
    "mmgcn": "MMGCNConfig",
    "amb_dsgdn": "AMBDSGDNConfig",
    "ar_iigcn": "ARIIGCNConfig",
    "cascla": "CaSCLAConfig",
    "cmcf_agcn": "CMCFAGCNConfig",
}
MODELS: Registry[DialogueModel] = Registry(
    "model",
    {
        name: Builtin(f"emoflow.models.{name}.model", f"emoflow.models.{name}.config:{config}")
        for name, config in CONFIGS.items()
    },
)
register = MODELS.register
model_classes = MODELS.classes
model_class = MODELS.get
model_config = MODELS.config


def create_model(name: str, spec: DataSpec, **config: Any) -> DialogueModel:
    """Model ``name`` sized by ``spec`` with its config dataclass built from ``config``; unknown fields are errors."""
    from emoflow.core.device import rng_section

    with rng_section():  # initialisation draws from the process-wide generators: never during a seeded run
        return model_class(name)(spec, model_config(name, **config))
