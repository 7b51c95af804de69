"""`emoflow ingest --layout recordings` then `emoflow predict`: long recordings to a timeline per speaker."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner
from talk_corpus import trained_talk_store

from emoflow.cli.main import cli
from emoflow.storage.query import query

pytestmark = pytest.mark.media


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.mark.slow
def test_ingest_then_predict_gives_emotions_over_time_per_speaker(tmp_path, conversations):
    _, store, run = trained_talk_store(tmp_path, "bc_lstm")
    meetings = tmp_path / "meetings"
    meetings.mkdir()
    shutil.copy(conversations["call"].path, meetings / "call.mp4")
    ingested = invoke(
        "ingest",
        meetings,
        "--dataset",
        "meetings",
        "--layout",
        "recordings",
        "--speakers",
        "2",
        "--store",
        store.root,
        "--quiet",
    )
    assert ingested.exit_code == 0, ingested.output
    assert "(recordings layout), written" in ingested.output and "dialogues per split:  unsplit 1" in ingested.output

    result = invoke(
        "predict",
        "--corpus",
        meetings,
        "--dataset",
        "meetings-new",
        "--run",
        run.run_id,
        "--store",
        store.root,
        "--quiet",
    )
    assert result.exit_code == 0, result.output
    assert "utterances of meetings-new in 1 dialogues" in result.output
    predicted = query(
        store.root,
        "SELECT p.speaker, u.start_s, p.predicted FROM predictions p JOIN utterances u "
        "USING (dataset, utterance_id) WHERE p.dataset = 'meetings-new' ORDER BY u.start_s",
    )
    assert predicted.num_rows == len(conversations["call"].turns)
    assert set(predicted.column("speaker").to_pylist()) == {"S1", "S2"}
    timeline = store.root / "timelines" / f"run={run.run_id}" / "dataset=meetings-new" / "call.png"
    assert timeline.is_file() and timeline.stat().st_size > 5000


def test_recordings_options_are_explained_in_help():
    result = invoke("ingest", "--help")
    assert result.exit_code == 0
    for text in ("--speakers", "--asr-model", "--language", "folder of long", "docs/recordings.md"):
        assert text in " ".join(result.output.split()), text
