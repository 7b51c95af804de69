"""The whole extraction stage on a small corpus of demo clips and bad media, through the store and the CLI."""

import numpy as np
import pytest
from click.testing import CliRunner

from emoflow.cli.main import cli
from emoflow.extractors.profiles import profile_extractors
from emoflow.extractors.run import extract_features
from emoflow.storage import FeatureStore, ingest_corpus, query, read_dialogues

pytestmark = pytest.mark.media
GOOD = 22  # the demo utterances of the small corpus


OFFLINE = ("text_transformer", "audio_whisper", "face_expression")
"""The offline profile's main table per modality."""


@pytest.fixture(scope="session")
def extracted(small_corpus, tmp_path_factory):
    """The offline profile over every modality of the small corpus, and the paper profile's audio (openSMILE and
    the Bi-LSTM encoder trained for 3 epochs; both ship offline)."""
    store = FeatureStore(tmp_path_factory.mktemp("extracted") / "store")
    ingest_corpus(small_corpus / "manifest.csv", "small", store, progress=False)
    reports = {}
    planned = [("offline", m) for m in ("text", "audio", "visual")] + [("paper", "audio")]
    for profile, modality in planned:
        for extractor in profile_extractors(profile, modality, overrides={"epochs": 3}):
            reports[extractor.name] = extract_features(store, "small", extractor, progress=False)
    return store, reports


def test_every_extractor_fills_its_partition(extracted):
    store, reports = extracted
    dims = {s.extractor.split("-")[0]: (s.modality, s.dim, s.rows) for s in store.feature_sets("small")}
    assert dims == {
        "text_transformer": ("text", 384, GOOD + 5),
        "nade_scores": ("text", 159, GOOD + 5),  # the offline profile's text stream
        "opensmile": ("audio", 1582, GOOD + 1),  # + the colour-bar clip, which has sound
        "audio_bilstm": ("audio", 100, GOOD + 1),
        "audio_whisper": ("audio", 3072, GOOD + 1),  # the offline profile's audio: 4 layers x 768
        "face_expression": ("visual", 135, GOOD + 2),  # + the silent clip and the colour bars (whole frame)
    }
    assert reports["opensmile"].failed == 3 and reports["opensmile"].without_input == 1
    assert "3 failed (recorded in errors)" in reports["opensmile"].summary()


def test_bad_media_rows_in_the_errors_table_name_file_and_problem(extracted):
    store, _ = extracted
    errors = query(
        store.root, "SELECT stage, utterance_id, reason FROM errors WHERE dataset = 'small' ORDER BY ALL"
    ).to_pylist()
    by_stage = {}
    for row in errors:
        by_stage.setdefault(row["stage"], {})[row["utterance_id"]] = row["reason"]
    audio, visual = by_stage["extract-audio"], by_stage["extract-visual"]
    assert set(audio) == {"bad_corrupt", "bad_no_audio", "bad_past_end"}
    assert "bad_no_audio.mp4: no audio stream" in audio["bad_no_audio"]
    assert "bad_past_end.mp4: the segment starts at 20.00 s but the file lasts 1.50 s" in audio["bad_past_end"]
    assert "bad_corrupt.mp4" in audio["bad_corrupt"]
    assert set(visual) == {"bad_corrupt", "bad_past_end"}
    assert "extract-text" not in by_stage


def test_missing_modalities_stay_missing_never_zero_vectors(extracted):
    store, _ = extracted
    ids = {s.modality: s.extractor for s in store.feature_sets("small") if s.extractor.startswith(OFFLINE)}
    (bad,) = [d for d in read_dialogues(store, "small", ids) if d.dialogue_id == "bad"]
    present = {m: dict(zip(bad.utterance_ids, mask.tolist(), strict=True)) for m, mask in bad.masks.items()}
    assert present["audio"] == {
        "bad_corrupt": False,
        "bad_no_audio": False,
        "bad_past_end": False,
        "bad_no_face": True,
        "bad_no_media": False,
    }
    assert present["visual"]["bad_no_media"] is False and present["visual"]["bad_no_audio"] is True
    assert all(present["text"].values())
    stored = store.read_features("small", "visual", ids["visual"])
    assert np.abs(stored.vectors).sum(axis=1).min() > 0


def test_lineage_records_config_weights_and_fallbacks(extracted):
    store, _ = extracted
    lineage = {s.extractor.split("-")[0]: s.lineage for s in store.feature_sets("small")}
    visual = lineage["face_expression"]
    assert visual["config"]["detector"] == "mtcnn" and visual["details"]["weights_sha256"]
    assert visual["details"]["no_face_utterances"] == ["bad_no_audio", "bad_no_face"]
    assert lineage["audio_bilstm"]["details"]["training"]["classes"]
    assert lineage["text_transformer"]["libraries"]["transformers"]
    assert all(lin["extractor_id"].startswith(name) for name, lin in lineage.items())


def test_unchanged_inputs_are_not_extracted_again(small_store):
    (text,) = profile_extractors("offline", "text", only="text_transformer")
    first = extract_features(small_store, "small", text, progress=False)
    path = first.path
    mtime = path.stat().st_mtime_ns
    again = extract_features(small_store, "small", text, progress=False)
    assert again.up_to_date and "up to date" in again.summary() and path.stat().st_mtime_ns == mtime
    forced = extract_features(small_store, "small", text, refresh=True, progress=False)
    assert not forced.up_to_date and forced.written == first.written


def test_changed_text_is_extracted_again(small_corpus, tmp_path):
    store = FeatureStore(tmp_path / "store")
    manifest = small_corpus / "manifest.csv"
    ingest_corpus(manifest, "small", store, progress=False)
    (text,) = profile_extractors("offline", "text", only="text_transformer", overrides={"batch_size": 4})
    before = extract_features(store, "small", text, progress=False)
    edited = tmp_path / "corpus"
    edited.mkdir()
    (edited / "clips").symlink_to(small_corpus / "clips")
    (edited / "manifest.csv").write_text(manifest.read_text().replace("line 0", "a brand new line"))
    ingest_corpus(edited / "manifest.csv", "small", store, progress=False)
    after = extract_features(store, "small", text, progress=False)
    assert not after.up_to_date and after.written == before.written


def test_cli_extract_then_query_the_lineage(small_store):
    runner = CliRunner()
    args = ["extract", "--dataset", "small", "--store", str(small_store.root), "--quiet"]  # the offline profile
    options = ["--extractor-set", "max_frames=1", "--extractor-set", "faces=whole"]
    result = runner.invoke(cli, [*args, "--modalities", "visual", *options])
    assert result.exit_code == 0, result.output
    assert "deprecated" not in result.output
    assert "24 of 26 utterances extracted" in result.output and "2 failed (recorded in errors)" in result.output
    sql = (
        "SELECT json_extract_string(decode(value), '$.config.faces') AS faces FROM parquet_kv_metadata("
        f"'{small_store.root}/features/**/*.parquet') WHERE decode(key) = 'emoflow.lineage'"
    )
    shown = runner.invoke(cli, ["query", sql, "--store", str(small_store.root), "--format", "csv"])
    assert shown.output.split() == ["faces", "whole"]
    # the old spellings still work for one release, with a deprecation message naming the new ones
    again = runner.invoke(cli, [*args, "--modality", "visual", "--set", "max_frames=1", "--set", "faces=whole"])
    assert again.exit_code == 0 and "up to date" in again.output
    assert "use --modalities text,audio instead" in again.output and "use --extractor-set instead" in again.output


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--extractor-set", "colour=red"], "no extractor in this run has the option(s) colour"),
        (["--extractor-set", "nonsense"], "'nonsense' is not KEY=VALUE"),
        (["--extractor", "bert"], "unknown extractor 'bert'"),
        (["--profile", "gpu"], "no extractor profile 'gpu'"),
    ],
)
def test_cli_extract_errors_are_one_clear_line(small_store, extra, message):
    args = ["extract", "--dataset", "small", "--store", str(small_store.root), "--modalities", "text", *extra]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code != 0 and message in result.output and "Traceback" not in result.output


def test_cli_extract_of_an_unknown_dataset(tmp_path):
    result = CliRunner().invoke(cli, ["extract", "--dataset", "nope", "--store", str(tmp_path)])
    assert result.exit_code == 1 and "dataset 'nope' is not in the store" in result.output
