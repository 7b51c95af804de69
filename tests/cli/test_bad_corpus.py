"""`emoflow pipeline` on a corpus holding every bad case of docs/ingestion.md: error rows, no traceback, and
predictions for the good rows."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from emoflow_script import run_emoflow

from emoflow.storage.query import connect

BAD_ROWS = (
    b",x01_a,0,A,no dialogue,joy,train,,,\n"
    b"d01,d01_u00,9,A,an id seen before,joy,train,,,\n"
    b"x02,x02_a,0,A,one,joy,train,,,\n"
    b"x02,x02_b,0,B,the same turn,joy,train,,,\n"
    b"x03,x03_a,0,A,which split,joy,holdout,,,\n"
    b"x04,x04_a,0,A,first in train,joy,train,,,\n"
    b"x04,x04_b,1,B,then in test,joy,test,,,\n"
    b"x05,x05_a,0,A,caf\xe9 in latin-1,joy,train,clips/d01_u00.mp4,,\n"
    b"x06,\xff\xfe,0,A,an id that is not UTF-8,joy,train,,,\n"
    b"x07,x07_a,0,A,a missing file,joy,train,clips/nope.mp4,,\n"
    b"x07,x07_b,1,B,a path out of the corpus,joy,train,../outside/secret.mp4,,\n"
    b"x07,x07_c,2,A,an absolute path,joy,train,/etc/hostname,,\n"
    b"x07,x07_d,3,B,a symlinked file,joy,train,linked.mp4,,\n"
    b"x07,x07_e,4,A,a symlinked folder,joy,train,linked-folder/secret.mp4,,\n"
    b"x07,x07_f,5,B,a folder as media,joy,train,a-folder.mp4,,\n"
    b"x07,x07_g,6,A,a corrupt file,joy,train,clips/corrupt.mp4,,\n"
    b"x07,x07_h,7,B,times the wrong way round,joy,train,clips/d01_u01.mp4,3.0,1.0\n"
)
EXPECTED = {  # utterance (None: no usable id) -> what its error says
    "x01_a": "dialogue_id is empty; row skipped",
    "d01_u00": "duplicate utterance_id 'd01_u00', first seen at manifest.csv line 2; row skipped",
    "x02_b": "turn 0 of dialogue 'x02' already given",
    "x03_a": "unknown split 'holdout'",
    "x04_a": "dialogue 'x04' has turns in different splits (test, train)",
    "x04_b": "dialogue 'x04' has turns in different splits (test, train)",
    "x05_a": "text is not valid UTF-8 (bytes b'\\xe9'); the text is left empty",
    None: "utterance_id is not valid UTF-8",
    "x07_a": "video_path 'clips/nope.mp4' does not exist",
    "x07_b": "video_path '../outside/secret.mp4' leaves the corpus folder",
    "x07_c": "video_path '/etc/hostname' leaves the corpus folder",
    "x07_d": "video_path 'linked.mp4' is a link to",
    "x07_e": "video_path 'linked-folder/secret.mp4' is a link to",
    "x07_f": "video_path 'a-folder.mp4' is a directory",
    "x07_h": "end_s 1.0 is not after start_s 3.0",
}


def bad_corpus(demo_dir: Path, root: Path) -> Path:
    """The demo corpus with the bad rows added, and the files they point at."""
    corpus = root / "corpus"
    shutil.copytree(demo_dir, corpus)
    outside = root / "outside"
    outside.mkdir()
    shutil.copy(corpus / "clips" / "d01_u00.mp4", outside / "secret.mp4")
    (corpus / "linked.mp4").symlink_to(outside / "secret.mp4")
    (corpus / "linked-folder").symlink_to(outside)
    (corpus / "a-folder.mp4").mkdir()
    (corpus / "clips" / "corrupt.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42 not a video" * 50)
    with open(corpus / "manifest.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=[*rows[0], "start_s", "end_s"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (corpus / "manifest.csv").write_bytes(text.getvalue().encode() + BAD_ROWS)
    return corpus


@pytest.mark.media
def test_the_pipeline_on_every_bad_case_records_errors_and_predicts_the_good_rows(prefect_server, demo_dir, tmp_path):
    corpus, store = bad_corpus(demo_dir, tmp_path), tmp_path / "store"
    done = run_emoflow(
        "pipeline",
        "--corpus",
        corpus,
        "--store",
        store,
        "--modalities",
        "text,audio",
        "--models",
        "mlp",
        "--epochs",
        "5",
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "Traceback" not in output

    con = connect(store)
    ingest = dict(con.sql("SELECT utterance_id, reason FROM errors WHERE stage = 'ingest'").fetchall())
    assert set(ingest) == set(EXPECTED)
    for utterance, message in EXPECTED.items():
        assert message in ingest[utterance], (utterance, ingest[utterance])
    media = con.sql("SELECT DISTINCT utterance_id, reason FROM errors WHERE stage = 'extract-audio'").fetchall()
    assert {u for u, _ in media} == {"x07_g"} and all("clips/corrupt.mp4: ffprobe failed" in r for _, r in media), media

    with open(demo_dir / "manifest.csv", newline="", encoding="utf-8") as handle:
        demo_test = {r["utterance_id"] for r in csv.DictReader(handle) if r["split"] == "test"}
    predicted = {u for (u,) in con.sql("SELECT utterance_id FROM predictions WHERE split = 'test'").fetchall()}
    assert predicted == demo_test  # every good test utterance, nothing refused
    kept = {u for (u,) in con.sql("SELECT utterance_id FROM utterances WHERE dialogue_id = 'x07'").fetchall()}
    assert kept == {"x07_a", "x07_b", "x07_c", "x07_d", "x07_e", "x07_f", "x07_g"}  # paths cleared, rows kept
