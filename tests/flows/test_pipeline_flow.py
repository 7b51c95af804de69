"""The pipeline flow for real on the demo corpus: every stage runs, then every stage is served from the cache."""

from __future__ import annotations

import json

import duckdb
import pytest
from prefect import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey, FlowRunFilter, FlowRunFilterId
from prefect_events import events_named

from emoflow.flows.artifacts import artifact_key
from emoflow.flows.events import MODEL_PROMOTED
from emoflow.flows.pipeline_flow import pipeline
from emoflow.flows.retrain_flow import retrain
from emoflow.models.training.promotion import current_path
from emoflow.storage import FeatureStore

pytestmark = pytest.mark.media

PARAMETERS = {"dataset": "demo", "profile": "offline", "modalities": ["text", "audio"], "epochs": 2}


def task_states(flow_run_id) -> dict[str, str]:
    """Task run name -> state name, as the Prefect server recorded them for one flow run."""
    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
    return {r.name: r.state.name for r in runs}


@pytest.fixture(scope="module")
def first_and_second(prefect_server, demo_dir, tmp_path_factory):
    store = tmp_path_factory.mktemp("pipeline") / "store"
    runs = []
    for _ in range(2):
        state = pipeline(corpus=str(demo_dir), store=str(store), **PARAMETERS, return_state=True)
        runs.append((state.result(), task_states(state.state_details.flow_run_id)))
    return store, runs


def test_the_first_run_runs_every_stage_and_writes_the_store(first_and_second):
    store, [(result, states), _] = first_and_second
    assert result["summary"] == "6 tasks: 6 ran, 0 cached"
    assert set(states.values()) == {"Completed"} and len(states) == 6
    assert {name.split()[0] for name in states} == {"ingest", "extract", "train", "evaluate"}
    assert result["features"]["audio"].startswith("audio_whisper-")  # the profile's last audio extractor
    encoder, stream = result["features"]["text"].split("+")  # nade's scores appended to the sentence encoder's
    assert encoder.startswith("text_transformer-") and stream.startswith("nade_scores-")
    (run,) = result["runs"]
    assert run["run_id"].startswith("dialoguegcn-demo-") and 0 <= run["test_weighted_f1"] <= 1
    con = duckdb.connect()
    assert con.sql(f"SELECT count(*) FROM '{store}/features/**/*.parquet'").fetchall()[0][0] == 3 * 92  # 3 tables
    predictions = con.sql(f"SELECT split, count(*) FROM '{run['predictions']}' GROUP BY ALL ORDER BY 1").fetchall()
    assert predictions == [("test", 16), ("val", 15)]
    assert json.loads((store / "runs" / run["run_id"] / "metrics.json").read_text())["test"]["per_class"]


def test_the_second_run_hits_every_cache_and_says_so(first_and_second):
    _, [(first, _), (second, states)] = first_and_second
    assert second["summary"] == "6 tasks: 0 ran, 6 cached"
    assert all(t["cached"] for t in second["tasks"])
    assert set(states.values()) == {"Cached"} and len(states) == 6  # as the server recorded them
    assert second["runs"] == first["runs"]


def test_every_run_publishes_metrics_confusion_paths_errors_links_and_progress(first_and_second):
    store, [(result, _), _] = first_and_second
    run_id = result["runs"][0]["run_id"]
    with get_client(sync_client=True) as client:

        def latest(key):
            (artifact,) = client.read_artifacts(
                artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])), limit=1, sort="CREATED_DESC"
            )
            return artifact

        table = json.loads(latest(artifact_key("pipeline", "metrics", run_id)).data)
        confusion = latest(artifact_key("pipeline", "confusion", run_id)).data
        paths = latest(artifact_key("extract-demo", "paths")).data
        errors = json.loads(latest(artifact_key("pipeline", "errors", "demo")).data)
        tasks = json.loads(latest(artifact_key("pipeline-tasks", "demo")).data)
        folder = latest(artifact_key("pipeline", "run", run_id))
        trained = latest(artifact_key("progress", "train", run_id))
        extracted = latest(artifact_key("progress", "extract", "demo"))  # the first run's (the second ran nothing)
    assert folder.type == "markdown" and f"({FeatureStore(store).run_dir(run_id).resolve().as_uri()})" in folder.data
    assert trained.type == "progress" and float(trained.data) == 100.0 and "2 of 2 epochs done" in trained.description
    assert extracted.type == "progress" and float(extracted.data) == 100.0
    assert [r["class"] for r in table][-1] == "weighted" and len(table) == 8
    assert "| gold \\ predicted |" in confusion and "neutral" in confusion
    assert "features/dataset=demo/modality=text" in paths
    assert errors == [{"stage": "-", "reason": "no errors recorded", "utterances": 0}]
    assert len(tasks) == 6 and all(t["cached"] for t in tasks)  # the latest is the second run's


def test_a_changed_extractor_option_reruns_that_extractor_and_what_reads_it(first_and_second, demo_dir):
    store, [(first, _), _] = first_and_second
    result = pipeline(corpus=str(demo_dir), store=str(store), **PARAMETERS, extractor_overrides={"max_length": 16})
    ran = sorted(t["task"].split()[0] for t in result["tasks"] if not t["cached"])
    cached = sorted(t["task"].split()[1].split("-")[0] for t in result["tasks"] if t["cached"])
    assert ran == ["evaluate", "extract", "train"]  # max_length is the sentence encoder's option only
    assert cached == ["audio_whisper", "demo", "nade_scores"]
    assert result["features"]["text"] != first["features"]["text"]
    assert result["features"]["audio"] == first["features"]["audio"]


def test_a_deleted_part_is_extracted_again(first_and_second, demo_dir):
    store, [(first, _), _] = first_and_second
    encoder = first["features"]["text"].split("+")[0]
    text = FeatureStore(store).features_dir("demo", "text", encoder)
    (text / "part-00000.parquet").unlink()
    result = pipeline(corpus=str(demo_dir), store=str(store), **PARAMETERS)
    ran = [t["task"] for t in result["tasks"] if not t["cached"]]
    assert ran == [f"extract {encoder} part-00000"]
    assert (text / "part-00000.parquet").is_file() and result["runs"] == first["runs"]


def test_retrain_promotes_a_model_that_beats_the_majority_class_and_is_not_worse(first_and_second, demo_dir):
    store, _ = first_and_second
    options = {k: v for k, v in PARAMETERS.items() if k != "epochs"}
    # one epoch of DialogueGCN at a learning rate too small to move it learns nothing: with nothing promoted
    # before, it is still not promoted
    untrained = {"lr": 1e-7}
    weak = retrain(
        corpus=str(demo_dir), store=str(store), model="dialoguegcn", epochs=1, train_overrides=untrained, **options
    )
    assert weak["decision"] == "kept" and weak["summary"].endswith("2 ran, 4 cached")  # a new training run
    assert weak["candidate"]["val weighted F1"] <= weak["candidate"]["majority-class val weighted F1"]
    assert not current_path(FeatureStore(store), "demo", "dialoguegcn").exists()
    learning = {"lr": 0.003, "batch_size": 2}  # the demo's training settings: the text's emotions are learnt
    promoted = retrain(
        corpus=str(demo_dir), store=str(store), model="mlp", epochs=20, train_overrides=learning, **options
    )
    assert promoted["decision"] == "promoted"
    assert promoted["candidate"]["val weighted F1"] > promoted["candidate"]["majority-class val weighted F1"]
    record = json.loads(current_path(FeatureStore(store), "demo", "mlp").read_text())
    assert record["run_ids"] == [promoted["runs"][0]["run_id"]] and record["previous"] is None
    labels = {"prefect.resource.id": "emoflow.model.demo.mlp", "emoflow.store": str(store.resolve())}
    (event,) = events_named(MODEL_PROMOTED, labels)  # what automations trigger on
    assert event.payload["current"] is None and event.payload["candidate"]["runs"] == promoted["runs"][0]["run_id"]
    again = retrain(corpus=str(demo_dir), store=str(store), model="mlp", epochs=20, train_overrides=learning, **options)
    assert again["decision"] == "promoted"  # equal validation weighted F1 is not worse
    assert again["current"]["val weighted F1"] == again["candidate"]["val weighted F1"]
