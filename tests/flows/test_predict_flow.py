"""The predict flow: new recordings through a trained model, then the same again from the cache."""

from __future__ import annotations

import pytest
from talk_corpus import trained_talk_store, write_manifest

from emoflow.flows.predict_flow import predict


def test_the_flow_predicts_publishes_and_is_cached(prefect_server, tmp_path):
    _, store, run = trained_talk_store(tmp_path, "mlp")
    corpus = write_manifest(tmp_path / "calls", {"c1": "", "c2": ""}, labelled=False).parent
    first = predict(corpus=str(corpus), store=str(store.root), model="mlp")
    again = predict(corpus=str(corpus), store=str(store.root), model="mlp")
    assert first["run_id"] == run.run_id and not first["cached"] and again["cached"]
    assert [s["dialogue"] for s in first["summaries"]] == ["c1", "c2"]
    assert first["predictions"].endswith("prediction-calls.parquet") and len(first["timelines"]) == 2
    with pytest.raises(ValueError, match=r"is what run .* was trained on"):
        predict(corpus=str(corpus), store=str(store.root), model="mlp", dataset="talk")
