"""Code digests: content, not paths; a module's digest follows the emoflow modules it imports."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import emoflow
from emoflow.core.code_digest import code_identity, module_closure

PACKAGE = Path(emoflow.__file__).parent


def test_a_models_closure_holds_its_layers_and_not_the_other_models():
    closure = module_closure("emoflow.models.cascla.model")
    assert {"emoflow.models.cascla.scla_loss", "emoflow.models.cascla.perturbed_gru", "emoflow.models.base"} <= closure
    assert not any(m.startswith(("emoflow.models.ar_iigcn", "emoflow.flows", "emoflow.storage")) for m in closure)
    assert "emoflow.storage.validation" in module_closure("emoflow.storage.ingest")  # storage code for storage keys


@pytest.mark.slow
def test_the_same_code_in_another_folder_has_the_same_identity(tmp_path):
    here = code_identity("emoflow.models.dialoguegcn.model", "emoflow.extractors.audio_bilstm")
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); import emoflow;"
        "from emoflow.core.code_digest import code_identity;"
        "print(emoflow.__file__);"
        "print(code_identity('emoflow.models.dialoguegcn.model', 'emoflow.extractors.audio_bilstm'))"
    )
    for clone in ("a", "b"):
        shutil.copytree(PACKAGE, tmp_path / clone / "emoflow", ignore=shutil.ignore_patterns("__pycache__"))
        out = subprocess.run(
            [sys.executable, "-c", script, str(tmp_path / clone)], capture_output=True, text=True, check=True
        ).stdout.splitlines()
        assert out[0].startswith(str(tmp_path / clone))
        assert out[1] == str(here)


def identity_of_copy(package: Path) -> str:
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); import emoflow;"
        "from emoflow.core.code_digest import code_identity;"
        "print(code_identity('emoflow.extractors.audio_bilstm'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(package.parent)], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


@pytest.mark.slow
def test_docstrings_comments_and_formatting_keep_the_identity_and_a_code_change_does_not(tmp_path):
    copy = tmp_path / "emoflow"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"), symlinks=False)
    before = identity_of_copy(copy)
    target = copy / "extractors" / "audio_bilstm.py"
    source = target.read_text()
    first_def = source.index("\ndef ")
    cosmetic = (
        '"""A new module docstring."""\n# a new comment\n'
        + source[:first_def].split('"""', 2)[2]  # the old module docstring dropped
        + "\n\n# another comment\n"
        + source[first_def:].replace("):\n", "):  # same code\n", 1)
    )
    target.write_text(cosmetic)
    assert identity_of_copy(copy) == before
    base = copy / "extractors" / "base.py"  # a module the extractor imports, reformatted to 60 columns
    ruff = Path(sys.executable).parent / "ruff"
    subprocess.run(
        [str(ruff), "format", "--isolated", "--line-length", "60", str(base)], check=True, capture_output=True
    )
    assert base.read_text() != (PACKAGE / "extractors" / "base.py").read_text()
    assert identity_of_copy(copy) == before
    target.write_text(cosmetic + "\nCHANGED = 1\n")  # a statement, not a comment
    assert identity_of_copy(copy) != before
