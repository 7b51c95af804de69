"""Option types that carry their ranges, for the ``Config`` dataclasses of models, extractors and training.

pydantic checks them when options are given (``core.registry.validated_config``), and ``emoflow models`` /
``emoflow extractors`` and the docs' option tables print them. pydantic's ``PositiveInt`` (widths, heads, layer
counts), ``NonNegativeInt`` (windows, epochs of an optional stage), ``PositiveFloat`` and ``NonNegativeFloat``
serve as they are; these two add what dialogue models also need.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

Dropout = Annotated[float, Field(ge=0, lt=1)]
"""A dropout probability: 0 keeps every unit, 1 would keep none."""

Fraction = Annotated[float, Field(ge=0, le=1)]
"""A share or a probability in [0, 1] (a loss mixing weight, a warm-up share, an execution probability)."""
