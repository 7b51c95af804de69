"""Every option is checked before any work: one line naming it, no store written, no torch or Prefect imported."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

CHECK = """
import json, sys
from click.testing import CliRunner
from emoflow.cli.main import cli

result = CliRunner().invoke(cli, json.loads(sys.argv[1]))
heavy = sorted(m for m in ("torch", "torch_geometric", "transformers", "prefect") if m in sys.modules)
print(json.dumps({"code": result.exit_code, "output": result.output, "heavy": heavy}))
"""


def invoke_fresh(*args: str) -> dict:
    """Run ``emoflow ARGS`` in a fresh interpreter; its exit code, output and the heavy modules it imported."""
    done = subprocess.run(
        [sys.executable, "-c", CHECK, json.dumps(list(args))], capture_output=True, text=True, timeout=120, check=True
    )
    return json.loads(done.stdout.splitlines()[-1])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["pipeline", "--models", "bc_lstm", "--model-set", "foo=1", "--modalities", "text"],
            "model 'bc_lstm' has no option foo; its options: dropout, hidden, layers",
        ),
        (["pipeline", "--models", "gpt5"], "unknown model 'gpt5'; models: amb_dsgdn, ar_iigcn, bc_lstm"),
        (["pipeline", "--train-set", "lr=-1"], "train settings: bad option value lr=-1: input should be greater"),
        (["pipeline", "--profile", "fancy"], "no extractor profile 'fancy' (known: offline, paper, strong"),
        (["pipeline", "--extractor-set", "fps=fast"], "bad option value fps='fast'"),
        (["train", "--dataset", "demo", "--model", "gpt5"], "unknown model 'gpt5'"),
        (
            ["train", "--dataset", "demo", "--model", "mlp", "--model-set", "hidden=eight"],
            "model 'mlp': bad option value hidden='eight': input should be a valid integer",
        ),
        (["train", "--dataset", "nope", "--model", "mlp"], "dataset 'nope' is not in the store"),
        (["predict", "--model", "gpt5"], "unknown model 'gpt5'"),
        (["predict", "--model", "mlp"], "no mlp run in"),
        (["predict", "--run", "mlp-x-s1"], "no run 'mlp-x-s1' in"),
        (["models", "show", "mlp-x-s1"], "no run 'mlp-x-s1' in"),
        (["evaluate", "mlp-x-s1"], "no run 'mlp-x-s1' in"),
    ],
)
def test_a_bad_option_is_one_line_before_any_work(args, message, write_corpus, tmp_path):
    from manifest_rows import labelled_dialogues

    corpus = write_corpus(labelled_dialogues())
    store = tmp_path / "store"
    if args[0] in ("pipeline", "predict"):
        args = [*args, "--corpus", str(corpus)]
    result = invoke_fresh(*args, "--store", str(store))
    lines = result["output"].strip().splitlines()
    assert result["code"] != 0 and len(lines) == 1 and message in lines[0], result["output"]
    assert result["heavy"] == []  # nothing slow was loaded to say it
    assert not store.exists()  # nothing was ingested or written
