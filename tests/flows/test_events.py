"""Prefect events for automations, read back from a real (temporary) Prefect server."""

from __future__ import annotations

from manifest_rows import row
from prefect_events import events_named

from emoflow.flows.events import ERRORS_RECORDED
from emoflow.flows.ingest_flow import ingest_corpus


def test_a_flow_that_leaves_error_rows_emits_errors_recorded(prefect_server, write_corpus, tmp_path):
    corpus = write_corpus([row("u0"), row("u1", turn=1, split="nah"), row("u2", turn=2, speaker="")])
    result = ingest_corpus(corpus=str(corpus), dataset="events", store=str(tmp_path / "store"))
    assert result["rows_ingested"] == 1
    store = str((tmp_path / "store").resolve())
    (event,) = events_named(ERRORS_RECORDED, {"prefect.resource.id": "emoflow.dataset.events", "emoflow.store": store})
    assert event.payload["flow"] == "ingest" and event.payload["errors"] == 2
    reasons = event.payload["by_reason"]
    assert sum(r["utterances"] for r in reasons) == 2 and any("unknown split 'nah'" in r["reason"] for r in reasons)
    assert any(r.role == "flow-run" for r in event.related)  # tied to the run that recorded them


def test_a_clean_dataset_emits_no_errors_event(prefect_server, write_corpus, tmp_path):
    ingest_corpus(corpus=str(write_corpus([row("u0")])), dataset="clean", store=str(tmp_path / "store"))
    assert events_named(ERRORS_RECORDED, {"prefect.resource.id": "emoflow.dataset.clean"}, wait_s=5) == []
