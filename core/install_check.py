"""Check that the installed heavy dependencies load together, naming the packages when they do not.

Run after every install (``make setup`` does): ``python -m emoflow.core.install_check``. A mismatched pair (a
torchvision built for another torch, a native library that does not load) fails here in seconds with the
packages and versions named, not deep inside a test or a flow run.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version


def _torch() -> None:
    import torch

    torch.ones(2).sum().item()


def _torchvision() -> None:
    import torch
    import torchvision

    torchvision.ops.nms(torch.zeros(1, 4), torch.zeros(1), 0.5)  # a compiled operator: needs the matching torch


def _torch_geometric() -> None:
    import torch
    from torch_geometric.nn import GCN2Conv

    GCN2Conv(4, alpha=0.1)(torch.zeros(2, 4), torch.zeros(2, 4), torch.tensor([[0], [1]]))


def _transformers() -> None:
    from transformers import AutoModel, AutoTokenizer  # noqa: F401  (loads the torch backend)


def _opensmile() -> None:
    import opensmile

    opensmile.Smile(opensmile.FeatureSet.eGeMAPSv02, opensmile.FeatureLevel.Functionals)  # loads the native library


def _opencv() -> None:
    import cv2

    cascades = cv2.data.haarcascades  # type: ignore[attr-defined]
    if cv2.CascadeClassifier(cascades + "haarcascade_frontalface_default.xml").empty():
        raise RuntimeError("opencv ships no Haar cascades (opencv-python-headless must be < 5)")


def _nade() -> None:
    import fasttext  # noqa: F401  (a compiled extension)
    import lightgbm

    lightgbm.Booster  # noqa: B018  (loads lib_lightgbm, which needs libgomp)


def _prefect() -> None:
    from prefect import flow, task  # noqa: F401
    from prefect.server.api.server import create_app  # noqa: F401  (the server needs a matching fastapi)


def _speech() -> None:
    import ctranslate2  # noqa: F401
    import faster_whisper  # noqa: F401
    import onnxruntime  # noqa: F401


def _imported(module: str) -> Callable[[], None]:
    def check() -> None:
        importlib.import_module(module)

    return check


CHECKS: dict[str, tuple[tuple[str, ...], Callable[[], None]]] = {
    "torch": (("torch",), _torch),
    "torchvision": (("torchvision", "torch"), _torchvision),
    "torch_geometric": (("torch-geometric", "torch"), _torch_geometric),
    "transformers": (("transformers", "tokenizers", "torch"), _transformers),
    "opensmile": (("opensmile", "audobject"), _opensmile),
    "cv2": (("opencv-python-headless",), _opencv),
    "prefect": (("prefect", "fastapi", "pydantic"), _prefect),
    "pyarrow": (("pyarrow",), _imported("pyarrow.parquet")),
    "duckdb": (("duckdb",), _imported("duckdb")),
    "sklearn": (("scikit-learn", "scipy", "numpy"), _imported("sklearn.metrics")),
    "matplotlib": (("matplotlib",), _imported("matplotlib.pyplot")),
    "safetensors": (("safetensors",), _imported("safetensors.torch")),
    "efficientnet_lite_pytorch": (("efficientnet-lite-pytorch",), _imported("efficientnet_lite_pytorch")),
    "prefect_dask": (("prefect-dask", "distributed"), _imported("prefect_dask")),
    "nade": (("nade", "fasttext-numpy2", "lightgbm"), _nade),
    "faster_whisper": (("faster-whisper", "ctranslate2", "onnxruntime", "av"), _speech),
}


def installed(package: str) -> str:
    """``name version`` of an installed distribution, or ``name (not installed)``."""
    try:
        return f"{package} {version(package)}"
    except PackageNotFoundError:
        return f"{package} (not installed)"


def failures() -> list[str]:
    """One line per dependency that does not load: what failed, with the packages and versions involved."""
    lines = []
    for name, (packages, check) in CHECKS.items():
        try:
            check()
        except Exception as error:  # any failure to load is what this reports
            first = (str(error).strip().splitlines() or [type(error).__name__])[0]
            lines.append(f"{name} does not load ({', '.join(installed(p) for p in packages)}): {first}")
    return lines


def main() -> int:
    """Print the failures (exit 1) or one line saying all loaded."""
    problems = failures()
    for line in problems:
        print(f"install check: {line}", file=sys.stderr)
    if problems:
        print(
            "install check: reinstall from the lock file (make clean setup), or see docs/development.md",
            file=sys.stderr,
        )
        return 1
    print(
        f"install check: {len(CHECKS)} dependencies load together ({installed('torch')}, "
        f"{installed('torchvision')}, {installed('prefect')})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
