"""The emoflow command line, driven as a user would."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import click
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from manifest_rows import row

from emoflow.cli.main import cli
from emoflow.storage import FeatureStore


def run(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_help_explains_every_command():
    result = run("--help")
    assert result.exit_code == 0
    for command in ("ingest", "query", "store", "demo-corpus", "demo", "pipeline"):
        assert command in result.output
    for command in (["ingest"], ["query"], ["store", "ls"], ["demo-corpus"], ["demo"], ["pipeline"]):
        sub = run(*command, "--help")
        assert sub.exit_code == 0 and "Usage: emoflow" in sub.output and len(sub.output.splitlines()) > 5


HEAVY = ("torch", "torch_geometric", "transformers", "prefect", "faster_whisper", "onnxruntime", "sklearn", "pandas")
LIGHT_COMMANDS = """
import sys
from click.testing import CliRunner
from emoflow.cli.main import cli
from emoflow.storage import FeatureStore
runner = CliRunner()
for args in (["--help"], *[[name, "--help"] for name in cli.commands], ["store", "ls", "--store", sys.argv[1]],
             ["query", "SELECT count(*) FROM utterances", "--store", sys.argv[1]], ["models"], ["extractors"]):
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, (args, result.output)
print(" ".join(m for m in sys.argv[2:] if m in sys.modules))
"""


def test_help_listing_and_queries_do_not_import_the_heavy_libraries(tmp_path, write_corpus):
    # torch, transformers, Prefect ... cost seconds to import: help, listings and SQL answer without them
    assert run("ingest", write_corpus([row("u0")]), "--dataset", "mini", "--store", tmp_path / "store").exit_code == 0
    done = subprocess.run(
        [sys.executable, "-c", LIGHT_COMMANDS, str(tmp_path / "store"), *HEAVY],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == [], done.stdout


def test_extractors_lists_each_extractor_with_its_modality_its_options_and_the_profiles():
    result = run("extractors")
    assert result.exit_code == 0
    assert "\ntext_transformer: Text: " in result.output and "\nvisual_cnn: Visual: " in result.output
    assert "    pooling: 'cls' | 'mean' = 'cls'\n" in result.output  # choices, ranges and defaults
    assert (
        "    max_length: int ≥ 8 = 128\n" in result.output
        and "profiles (emoflow:configs/extractors/): " in result.output
    )


def test_an_option_has_one_spelling_one_default_and_one_help_in_every_command():
    seen: dict[str, tuple] = {}
    commands = [c for c in cli.commands.values() if not isinstance(c, click.Group)]
    for command in commands:
        for option in (p for p in command.params if isinstance(p, click.Option)):
            visible = [flag for flag in option.opts if not option.hidden]
            assert not {"--set", "--modality"} & set(visible), f"{command.name} still shows {visible}"
            flag = option.opts[0]
            if flag in ("--profile", "--modalities", "--extractor-set", "--model-set", "--train-set"):
                seen.setdefault(flag, (command.name, option.default, option.help))
                first = seen[flag]
                if flag == "--modalities":  # the default differs by purpose (extract: all three); the form does not
                    assert option.multiple and option.callback is not None, command.name
                else:
                    assert (option.default, option.help) == first[1:], f"{flag} in {command.name} vs {first[0]}"
    assert seen["--profile"][1] == "offline" and "a fresh install" in seen["--profile"][2]
    assert {"--extractor-set", "--model-set", "--train-set"} <= set(seen)


def test_output_piped_into_head_stops_quietly(tmp_path, write_corpus):
    assert run("ingest", write_corpus([row("u0")]), "--dataset", "mini", "--store", tmp_path / "store").exit_code == 0
    command = (
        f"{sys.executable} -m emoflow.cli.main query 'SELECT * FROM range(300000)' --format csv "
        f"--store {tmp_path / 'store'} | head -n 2"
    )
    done = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True)
    assert done.stdout.splitlines() == ["range", "0"] and done.stderr == "" and done.returncode == 0, done.stderr


def test_console_script_is_installed():
    script = Path(sys.executable).parent / "emoflow"
    path = str(script) if script.exists() else shutil.which("emoflow")
    assert path, "the emoflow console script is not installed"
    completed = subprocess.run([path, "--version"], capture_output=True, text=True, check=True)
    assert completed.stdout.startswith("emoflow, version ")


def test_ingest_query_and_ls(tmp_path, write_corpus):
    corpus = write_corpus([row("u1"), row("u2", turn=1, label="sadness"), row("u3", turn=2, split="nah")])
    store = tmp_path / "store"
    result = run("ingest", corpus, "--dataset", "mini", "--store", store, "--quiet")
    assert result.exit_code == 0
    assert "mini: 2 of 3 utterances" in result.output and "unknown split 'nah'" in result.output

    result = run("query", "SELECT utterance_id, label FROM utterances ORDER BY 1", "--store", store, "--format", "csv")
    assert result.output.splitlines() == ["utterance_id,label", "u1,joy", "u2,sadness"]

    out = tmp_path / "errors.parquet"
    result = run("query", "SELECT * FROM errors", "--store", store, "--format", "parquet", "--out", out)
    assert result.exit_code == 0 and pq.read_table(out).column("utterance_id").to_pylist() == ["u3"]

    result = run("query", "SELECT * FROM utterances", "--store", store, "--max-rows", "1")
    assert "(2 rows, the first 1 shown" in result.output

    long = "SELECT range AS i FROM range(100)"
    for asked in (60, 100):  # every row asked for is shown, and the footer says so
        shown = run("query", long, "--store", store, "--max-rows", asked).output
        assert [line.strip("│ ") for line in shown.splitlines()].count(str(asked - 1)) == 1 and "·" not in shown
        assert ("(100 rows, the first 60 shown" in shown) == (asked == 60), shown

    extractor = "text_transformer-" + "0123456789abcdef" * 4  # longer than any terminal's column
    FeatureStore(store).write_features("mini", "text", extractor, ["u1"], ["d1"], [[0.5, 0.5]], {"extractor": "t"})
    result = run("store", "ls", "--store", store)  # CliRunner's output is a pipe, not a terminal
    assert result.exit_code == 0 and "mini" in result.output and "utterances" in result.output
    assert extractor in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "SELECT 1", "--store", "{tmp}/none"], "no feature store at"),
        (["query", "SELECT * FROM nope", "--store", "{tmp}"], "Table with name nope does not exist"),
        (["query", "SELECT 1", "--store", "{tmp}", "--format", "parquet"], "--format parquet needs --out"),
        (["ingest", "{tmp}", "--dataset", "x", "--store", "{tmp}/s"], "cannot tell its layout"),
        (["ingest", "{tmp}", "--dataset", "../x", "--store", "{tmp}/s", "--layout", "manifest"], "no manifest found"),
    ],
)
def test_user_errors_are_one_clear_line(tmp_path, args, message):
    result = CliRunner().invoke(cli, [a.format(tmp=tmp_path) for a in args])
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


def test_an_unexpected_error_is_one_line_with_a_hint_and_debug_raises_it(monkeypatch, tmp_path):
    import emoflow.cli.main as main

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire\nsecond line")

    monkeypatch.setattr(main, "store_summary", broken)
    result = CliRunner().invoke(cli, ["store", "ls", "--store", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        "Error: RuntimeError: disk on fire (unexpected; rerun with --debug for the traceback)"
    )
    debug = CliRunner().invoke(cli, ["--debug", "store", "ls", "--store", str(tmp_path)])
    assert isinstance(debug.exception, RuntimeError)
