"""The package as users install it: a built wheel carries its configs and only the `emoflow` import name; the
lock and the deployments name the same Prefect; the import layers hold."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def source_tree(target: Path) -> Path:
    """What a source distribution holds: the project files, emoflow/ with its links, and the linked folders."""
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, target / name)
    shutil.copytree(ROOT / "emoflow", target / "emoflow", symlinks=True)
    for link in (ROOT / "emoflow").iterdir():
        if link.is_symlink():
            folder = link.resolve().relative_to(ROOT)
            shutil.copytree(ROOT / folder, target / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return target


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    source = source_tree(tmp_path_factory.mktemp("source"))  # setuptools writes build/ beside the sources
    out = tmp_path_factory.mktemp("wheel")
    build = "import sys; from setuptools import build_meta; print(build_meta.build_wheel(sys.argv[1]))"
    name = (
        subprocess.run([sys.executable, "-c", build, str(out)], cwd=source, capture_output=True, text=True, check=True)
        .stdout.strip()
        .splitlines()[-1]
    )
    return out / name


def test_the_wheel_holds_the_configs_and_one_top_level_name(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names}
    assert {t for t in tops if not t.endswith(".dist-info")} == {"emoflow"}
    for config in ("configs/extractors/offline.yaml", "configs/extractors/paper.yaml", "configs/models/cascla.yaml"):
        assert f"emoflow/{config}" in names
    assert {"emoflow/storage/store.py", "emoflow/models/cascla/model.py", "emoflow/cli/main.py"} <= set(names)


def test_a_non_editable_install_finds_its_configs(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)  # a pure-Python wheel installs by unpacking
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); import emoflow; print(emoflow.__file__);"
        "from emoflow.extractors.profiles import load_profile; from emoflow.models.training.settings import "
        "load_settings; print(sorted(load_profile('offline'))); print(load_settings('dialoguegcn').source)"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(site)], capture_output=True, text=True, cwd=tmp_path, check=True
    ).stdout.splitlines()
    assert out[0] == str(site / "emoflow" / "__init__.py")
    assert out[1] == "['audio', 'text', 'visual']" and out[2] == "emoflow:configs/models/dialoguegcn.yaml"
    for generic in ("storage", "models", "flows", "extractors"):
        found = subprocess.run([sys.executable, "-c", f"import {generic}"], cwd=tmp_path, capture_output=True)
        assert found.returncode != 0, f"a top-level {generic!r} module is importable"


def test_prefect_yaml_names_the_locked_prefect():
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    locked = {p["name"]: p["version"] for p in lock["package"] if "version" in p}
    declared = re.search(r"^prefect-version: (\S+)", (ROOT / "prefect.yaml").read_text(), re.MULTILINE)
    assert declared and declared.group(1) == locked["prefect"]
    assert f"prefect {locked['prefect']}" in (ROOT / "docs" / "development.md").read_text()


def test_the_import_layers_hold():
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports")], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-2000:]
    assert "Contracts: 3 kept, 0 broken." in result.stdout
