"""A cache record that is not plain JSON emoflow wrote is refused before Prefect reads it: nothing in it runs."""

from __future__ import annotations

import json

import pytest
from prefect.serializers import PickleSerializer

from emoflow.flows.cache_records import EXPECTED_SERIALIZER, UnsafeCacheRecordError, check_record
from emoflow.flows.train_flow import train_model
from emoflow.storage import FeatureStore
from emoflow.testing.synthetic import write_contagion_dataset

LENGTHS = {"train": [6, 7, 5, 8], "val": [6, 5], "test": [7, 6]}


class Payload:
    """Unpickling this creates a file: the proof that a record's code ran."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_a_planted_pickle_record_is_refused_and_its_payload_never_runs(prefect_server, tmp_path):
    store = FeatureStore(tmp_path / "store")
    write_contagion_dataset(store, "syn", LENGTHS, dims={"text": 8}, num_classes=3, seed=1)
    parameters = {"dataset": "syn", "models": ["mlp"], "store": str(store.root), "modalities": ["text"], "epochs": 1}
    (run,) = train_model(**parameters)
    (record,) = [p for p in store.cache_dir("prefect").iterdir() if p.name.startswith("train-")]
    original = json.loads(record.read_text())
    marker = tmp_path / "payload-ran"
    planted = {
        "metadata": {**original["metadata"], "serializer": PickleSerializer().model_dump()},
        "result": PickleSerializer().dumps(Payload(str(marker))).decode(),
    }
    record.write_text(json.dumps(planted))
    with pytest.raises(UnsafeCacheRecordError, match=r"names the 'pickle' serializer .* refusing to read it"):
        train_model(**parameters)
    assert not marker.exists()  # nothing in the record was deserialised

    record.write_text(json.dumps(original))  # the genuine record is a cache hit again
    assert train_model(**parameters)[0]["run_id"] == run["run_id"]


@pytest.mark.parametrize(
    "change",
    [
        {"metadata": {"serializer": {**PickleSerializer().model_dump()}}},
        {"decoder": "os.system"},
        {"result": json.dumps({"__class__": "subprocess.Popen", "data": ["touch", "x"]})},
        {"text": "not json at all"},
    ],
)
def test_every_kind_of_foreign_record_is_refused(tmp_path, change):
    serializer = dict(EXPECTED_SERIALIZER)
    record = {"metadata": {"serializer": serializer}, "result": json.dumps({"run_id": "r"})}
    path = tmp_path / "train-abc"
    path.write_text(json.dumps(record))
    check_record(path)  # what emoflow writes passes
    if "decoder" in change:
        record["metadata"]["serializer"] = {**serializer, "object_decoder": change["decoder"]}
    elif "metadata" in change:
        record["metadata"] = change["metadata"]
    elif "result" in change:
        record["result"] = change["result"]
    path.write_text(change.get("text") or json.dumps(record))
    with pytest.raises(UnsafeCacheRecordError, match=f"cache record {path}"):
        check_record(path)
