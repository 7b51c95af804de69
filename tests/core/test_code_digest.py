"""Code digests: content, not paths; a module's digest follows the emoflow modules it imports."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import emoflow
from emoflow.core.code_digest import code_identity, module_closure

PACKAGE = Path(emoflow.__file__).parent


def test_a_models_closure_holds_its_layers_and_not_the_other_models():
    closure = module_closure("emoflow.models.cascla.model")
    assert {"emoflow.models.cascla.scla_loss", "emoflow.models.cascla.perturbed_gru", "emoflow.models.base"} <= closure
    assert not any(m.startswith(("emoflow.models.ar_iigcn", "emoflow.flows", "emoflow.storage")) for m in closure)
    assert "emoflow.storage.validation" in module_closure("emoflow.storage.ingest")  # storage code for storage keys


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
        out = subprocess.run([sys.executable, "-c", script, str(tmp_path / clone)], capture_output=True, text=True,
                             check=True).stdout.splitlines()  # fmt: skip
        assert out[0].startswith(str(tmp_path / clone))
        assert out[1] == str(here)
