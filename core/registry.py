"""Named classes created from config, like timm's ``create_model``: one registry type for extractors and models.

A registered class has a ``name`` and a frozen ``Config`` dataclass. Built-in classes are declared by name with
the module that registers them and the light module that holds their ``Config`` (:class:`Builtin`): listing
and checking options imports only the configs, and creating one class imports only its module, so a registry
answers without torch until a class is built. Unknown names and options are errors listing the valid ones;
option values are validated against the dataclass's field types and ranges by pydantic (``"8"`` for an int is
8, ``"eight"`` is an error naming the option, the value and the type expected).
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Mapping
from typing import Any, Generic, TypeVar

T = TypeVar("T")
C = TypeVar("C")


def option_names(cls: Any) -> set[str]:
    """The fields of ``cls.Config``: the options a registered class accepts."""
    return {f.name for f in dataclasses.fields(cls.Config)}


@dataclasses.dataclass(frozen=True)
class Builtin:
    """Where a built-in class and its options live.

    ``module`` defines and registers the class; ``config`` names its ``Config`` as ``module:Class``, in a module
    that imports nothing heavy (no torch), so options are listed and checked without loading the implementation.
    """

    module: str
    config: str

    def config_class(self) -> type:
        """The ``Config`` dataclass, imported from its light module."""
        module, _, name = self.config.partition(":")
        return getattr(importlib.import_module(module), name)


class Registry(Generic[T]):
    """Classes of one kind (``kind`` names it in messages) by their ``name`` attribute."""

    def __init__(self, kind: str, builtins: Mapping[str, Builtin]) -> None:
        self.kind = kind
        self.builtins = dict(builtins)
        self._classes: dict[str, type[T]] = {}

    def register(self, cls: type[T]) -> type[T]:
        """Class decorator adding ``cls`` under ``cls.name``; two classes may not share a name."""
        name: str = getattr(cls, "name")  # noqa: B009  (every registered class defines it)
        if name in self._classes and self._classes[name] is not cls:
            raise ValueError(f"two {self.kind}s are named {name!r}: {self._classes[name]} and {cls}")
        self._classes[name] = cls
        return cls

    def names(self) -> list[str]:
        """Every name, built-in or registered, sorted; imports nothing."""
        return sorted(set(self.builtins) | set(self._classes))

    def classes(self) -> dict[str, type[T]]:
        """Every registered class by name (all the built-in modules are imported here)."""
        for builtin in self.builtins.values():
            importlib.import_module(builtin.module)
        return dict(sorted(self._classes.items()))

    def get(self, name: str) -> type[T]:
        """The class registered as ``name`` (importing its module only); an unknown name lists the valid ones."""
        if name not in self._classes and name in self.builtins:
            importlib.import_module(self.builtins[name].module)
        if name not in self._classes:
            raise ValueError(f"unknown {self.kind} {name!r}; valid {self.kind}s: {', '.join(self.names())}")
        return self._classes[name]

    def config_class(self, name: str) -> type:
        """The ``Config`` dataclass of ``name``; for a built-in one, without importing its implementation."""
        if name in self.builtins:
            return self.builtins[name].config_class()
        return getattr(self.get(name), "Config")  # noqa: B009

    def summary(self, name: str) -> str:
        """One line on what ``name`` is, without importing a built-in one's implementation.

        The first line of the docstring of its ``Config``'s module (a class registered from elsewhere: its own).
        """
        doc = self.config_class(name).__module__ if name in self.builtins else None
        text = importlib.import_module(doc).__doc__ if doc else self.get(name).__doc__
        return (text or "").strip().split("\n", 1)[0]

    def config_classes(self) -> dict[str, type]:
        """Every name's ``Config`` dataclass, sorted by name (built-in ones from their light modules)."""
        return {name: self.config_class(name) for name in self.names()}

    def config(self, name: str, **options: Any) -> Any:
        """The ``Config`` of ``name`` built from ``options``; unknown options are errors listing the valid ones."""
        return validated_config(f"{self.kind} {name!r}", self.config_class(name), options)


JSON_TYPES = {
    "integer": "int",
    "number": "float",
    "boolean": "bool",
    "string": "str",
    "array": "list",
    "null": "None",
    "object": "dict",
}
BOUNDS = {"minimum": "≥", "exclusiveMinimum": ">", "maximum": "≤", "exclusiveMaximum": "<"}


def option_rows(config_class: type) -> list[tuple[str, str, Any]]:
    """``(option, type with its range, default)`` per field of ``config_class``, from pydantic's schema of it."""
    from pydantic import TypeAdapter

    def kind(schema: dict[str, Any]) -> str:
        if "anyOf" in schema:
            return " | ".join(kind(s) for s in schema["anyOf"])
        if "enum" in schema:
            return " | ".join(repr(v) for v in schema["enum"])
        name = JSON_TYPES.get(schema.get("type", ""), "any")
        bounds = [(k, schema[k]) for k in BOUNDS if k in schema]
        if len(bounds) == 2:  # an interval: "float in [0, 1)" for 0 ≤ x < 1
            (low, low_value), (high, high_value) = bounds
            opening, closing = "[("[low == "exclusiveMinimum"], "])"[high == "exclusiveMaximum"]
            return f"{name} in {opening}{low_value}, {high_value}{closing}"
        return " ".join([name, *(f"{BOUNDS[k]} {value}" for k, value in bounds)])

    properties = TypeAdapter(config_class).json_schema()["properties"]
    rows = []
    for field in dataclasses.fields(config_class):
        default = field.default_factory() if field.default_factory is not dataclasses.MISSING else field.default
        rows.append((field.name, kind(properties.get(field.name, {})), default))
    return rows


def validated_config(owner: str, config_class: type[C], options: dict[str, Any]) -> C:
    """``config_class(**options)`` with each value checked (and coerced where lossless) against its field's type.

    An unknown option is a ``ValueError`` naming ``owner`` and listing the valid options; a wrong value one naming
    ``owner``, the option, the value given and what was expected (type or range, from the field's annotation).
    """
    from pydantic import TypeAdapter, ValidationError

    valid = {field.name for field in dataclasses.fields(config_class)}  # type: ignore[arg-type]
    unknown = sorted(set(options) - valid)
    if unknown:
        raise ValueError(f"{owner} has no option {', '.join(unknown)}; its options: {', '.join(sorted(valid))}")
    try:
        return TypeAdapter(config_class).validate_python(options)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in e['loc'])}={e['input']!r}: {e['msg'][0].lower()}{e['msg'][1:]}"
            for e in error.errors()
        )
        raise ValueError(f"{owner}: bad option value {problems}") from None
