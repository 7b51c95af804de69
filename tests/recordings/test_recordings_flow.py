"""The ingest-corpus flow on a folder of long recordings: one cached analysis task per recording, then ingest."""

from __future__ import annotations

import shutil

import pytest
from prefect import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey, FlowRunFilter, FlowRunFilterId

from emoflow.flows.artifacts import artifact_key
from emoflow.flows.ingest_flow import ingest_corpus
from emoflow.storage.query import query

pytestmark = pytest.mark.media


def task_states(flow_run_id) -> dict[str, str]:
    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
    return {r.name: r.state.name for r in runs}


def test_each_recording_is_a_cached_task_with_its_own_artifact(prefect_server, conversations, tmp_path):
    folder = tmp_path / "calls"
    folder.mkdir()
    shutil.copy(conversations["chat"].path, folder / "chat.wav")
    shutil.copy(conversations["stereo"].path, folder / "stereo.wav")
    (folder / "broken.wav").write_bytes(b"RIFF but nothing else")
    store = str(tmp_path / "store")
    parameters = {"corpus": str(folder), "dataset": "calls", "store": store, "layout": "recordings"}

    first = ingest_corpus(**parameters, return_state=True)
    states = task_states(first.state_details.flow_run_id)
    assert {states[f"analyse {n}"] for n in ("chat.wav", "stereo.wav", "broken.wav")} == {"Completed"}
    assert states["ingest calls"] == "Completed"
    assert first.result()["rows_ingested"] == len(conversations["chat"].turns) + len(conversations["stereo"].turns)
    assert first.result()["problems"] == 1
    errors = query(store, "SELECT input_path, reason FROM errors").to_pylist()
    assert [e["input_path"].rsplit("/", 1)[-1] for e in errors] == ["broken.wav"]

    with get_client(sync_client=True) as client:
        (artifact,) = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[artifact_key("recording", "calls", "chat")])),
            limit=1,
            sort="CREATED_DESC",
        )
    assert "speakers (3, from clustering)" in artifact.data and "turns: 14" in artifact.data

    second = ingest_corpus(**parameters, return_state=True)
    states = task_states(second.state_details.flow_run_id)
    assert {states[f"analyse {n}"] for n in ("chat.wav", "stereo.wav", "broken.wav")} == {"Cached"}
    assert states["ingest calls"] == "Cached"
