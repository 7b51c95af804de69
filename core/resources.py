"""Files that ship inside the package (extractor profiles, model settings), read with :mod:`importlib.resources`.

They live in the repository's ``configs/`` folder, installed as ``emoflow/configs/``, so an editable install, a
wheel and a source checkout all find them the same way.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable


def config_files(kind: str) -> dict[str, Traversable]:
    """The YAML files of ``configs/<kind>/`` by stem (``kind`` is ``extractors`` or ``models``)."""
    folder = files("emoflow").joinpath("configs", kind)
    if not folder.is_dir():
        return {}
    return {entry.name.rsplit(".", 1)[0]: entry for entry in folder.iterdir() if entry.name.endswith(".yaml")}


def config_label(kind: str, name: str) -> str:
    """How a built-in config is named in messages and records: independent of where emoflow is installed."""
    return f"emoflow:configs/{kind}/{name}.yaml"
