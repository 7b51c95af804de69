"""Every validation rule: bad input gives a message naming the row and the problem; good rows survive."""

from __future__ import annotations

import pytest
from manifest_rows import row

from emoflow.storage import IngestError, ingest_corpus
from emoflow.storage.corpora import ManifestError


def ingested(store, dataset="c"):
    return {r["utterance_id"]: r for r in store.read_utterances(dataset).to_pylist()}


def reasons(store, dataset="c"):
    return store.read_errors(dataset).column("reason").to_pylist()


def test_duplicate_utterance_id_keeps_the_first_and_names_both_rows(store, write_corpus):
    corpus = write_corpus([row("u1"), row("u2", turn=1), row("u2", turn=2, text="again")])
    report = ingest_corpus(corpus, "c", store, progress=False)
    assert sorted(ingested(store)) == ["u1", "u2"]
    assert ingested(store)["u2"]["text"] == "words u2"
    assert reasons(store) == [
        "manifest.csv line 4 (utterance 'u2'): duplicate utterance_id 'u2', first seen at manifest.csv line 3; "
        "row skipped"
    ]
    assert report.rows_read == 3 and report.rows_ingested == 2


def test_missing_media_clears_the_path_and_keeps_the_utterance(store, write_corpus):
    corpus = write_corpus(
        [row("u1", video_path="clips/u1.mp4"), row("u2", turn=1, video_path="clips/gone.mp4")], media=("clips/u1.mp4",)
    )
    ingest_corpus(corpus, "c", store, progress=False)
    rows = ingested(store)
    assert rows["u1"]["video_path"] == str(corpus / "clips" / "u1.mp4")
    assert rows["u2"]["video_path"] is None and rows["u2"]["text"] == "words u2"
    errors = store.read_errors("c").to_pylist()
    assert [e["reason"] for e in errors] == [
        "manifest.csv line 3 (utterance 'u2'): video_path 'clips/gone.mp4' does not exist"
    ]
    assert errors[0]["input_path"] == str(corpus / "clips" / "gone.mp4")
    assert errors[0]["stage"] == "ingest" and errors[0]["utterance_id"] == "u2"


@pytest.mark.parametrize("path", ["../outside.mp4", "clips/../../outside.mp4", "/etc/hostname"])
def test_paths_leaving_the_corpus_folder_are_refused(store, write_corpus, tmp_path, path):
    (tmp_path / "outside.mp4").write_bytes(b"not yours")
    corpus = write_corpus([row("u1", video_path=path), row("u2", turn=1)])
    ingest_corpus(corpus, "c", store, progress=False)
    assert ingested(store)["u1"]["video_path"] is None
    assert reasons(store) == [
        f"manifest.csv line 2 (utterance 'u1'): video_path {path!r} leaves the corpus folder {corpus}"
    ]


@pytest.mark.parametrize("link", ["file", "folder"])
def test_symlinks_pointing_outside_the_corpus_are_refused(store, write_corpus, tmp_path, link):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.mp4").write_bytes(b"not yours")
    corpus = write_corpus([row("u1", video_path="clips/u1.mp4"), row("u2", turn=1)])
    (corpus / "clips").mkdir()
    if link == "file":
        (corpus / "clips" / "u1.mp4").symlink_to(outside / "secret.mp4")
    else:
        (corpus / "clips").rmdir()
        (corpus / "clips").symlink_to(outside)
        (outside / "u1.mp4").symlink_to(outside / "secret.mp4")
    report = ingest_corpus(corpus, "c", store, progress=False)
    assert ingested(store)["u1"]["video_path"] is None and report.rows_ingested == 2  # the good row survives
    (reason,) = reasons(store)
    assert reason.startswith("manifest.csv line 2 (utterance 'u1'): video_path 'clips/u1.mp4' is a link to ")
    assert reason.endswith(f"outside the corpus folder {corpus}")


def test_a_symlink_inside_the_corpus_and_a_linked_corpus_folder_are_fine(store, write_corpus, tmp_path):
    corpus = write_corpus([row("u1", video_path="clips/u1.mp4")], media=("media/real.mp4",))
    (corpus / "clips").mkdir()
    (corpus / "clips" / "u1.mp4").symlink_to(corpus / "media" / "real.mp4")
    (tmp_path / "linked").symlink_to(corpus)
    ingest_corpus(tmp_path / "linked", "c", store, progress=False)
    assert ingested(store)["u1"]["video_path"] is not None and store.read_errors("c").num_rows == 0


def test_a_directory_given_as_media_says_so(store, write_corpus):
    corpus = write_corpus([row("u1", video_path="clips")])
    (corpus / "clips").mkdir()
    ingest_corpus(corpus, "c", store, progress=False)
    assert reasons(store) == [
        "manifest.csv line 2 (utterance 'u1'): video_path 'clips' is a directory, not a media file"
    ]


def test_a_dialogue_with_turns_in_different_splits_is_refused_turn_by_turn(store, write_corpus):
    corpus = write_corpus(
        [
            row("a0", "A", 0, split="train"),
            row("a1", "A", 1, split="test"),
            row("a2", "A", 2, split="train"),
            row("b0", "B", 0, split="val"),
        ]
    )
    report = ingest_corpus(corpus, "c", store, progress=False)
    assert sorted(ingested(store)) == ["b0"] and report.rows_ingested == 1
    found = reasons(store)
    assert len(found) == 3 and all("dialogue 'A' has turns in different splits (test, train)" in r for r in found)
    assert [r.split(" (")[0] for r in found] == ["manifest.csv line 2", "manifest.csv line 3", "manifest.csv line 4"]


def test_unknown_split_drops_the_row_and_aliases_are_normalised(store, write_corpus):
    corpus = write_corpus([row("u1", "d1", split="dev"), row("u2", "d2", split="training"), row("u3", "d3", split="")])
    ingest_corpus(corpus, "c", store, progress=False)
    rows = ingested(store)
    assert sorted(rows) == ["u1", "u3"]
    assert rows["u1"]["split"] == "val" and rows["u3"]["split"] is None
    (reason,) = reasons(store)
    assert reason.startswith("manifest.csv line 3 (utterance 'u2'): unknown split 'training'; expected one of train")


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2.5", "1.0", "end_s 1.0 is not after start_s 2.5: the segment is empty"),
        ("1.0", "1.0", "end_s 1.0 is not after start_s 1.0: the segment is empty"),
        ("-1", "", "start_s -1.0 is negative"),
        ("abc", "", "start_s 'abc' is not a number"),
    ],
)
def test_bad_segments_drop_the_row(store, write_corpus, start, end, message):
    header = (*tuple(row("x")), "start_s", "end_s")
    corpus = write_corpus(
        [row("u1", start_s="0.5", end_s="2"), row("u2", turn=1, start_s=start, end_s=end)], header=header
    )
    ingest_corpus(corpus, "c", store, progress=False)
    assert sorted(ingested(store)) == ["u1"]
    assert ingested(store)["u1"]["start_s"] == 0.5 and ingested(store)["u1"]["end_s"] == 2.0
    assert reasons(store) == [f"manifest.csv line 3 (utterance 'u2'): {message}; row skipped"]


def test_non_utf8_text_is_cleared_and_named(store, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "manifest.csv").write_bytes(
        b"dialogue_id,utterance_id,turn,speaker,text\n"
        b"d1,u1,0,A,caf\xc3\xa9 is fine\n"
        b"d1,u2,1,B,caf\xe9 is latin-1\n"
        b"d1,u3,2,\xff\xfe,speaker broken\n"
    )
    ingest_corpus(corpus, "c", store, progress=False)
    rows = ingested(store)
    assert rows["u1"]["text"] == "café is fine"
    assert rows["u2"]["text"] is None and rows["u2"]["speaker"] == "B"
    assert "u3" not in rows
    assert reasons(store) == [
        "manifest.csv line 3 (utterance 'u2'): text is not valid UTF-8 (bytes b'\\xe9'); the text is left empty",
        "manifest.csv line 4 (utterance 'u3'): speaker is not valid UTF-8 (bytes b'\\xff\\xfe'); row skipped",
    ]


def test_missing_fields_and_repeated_turns_drop_the_row(store, write_corpus):
    corpus = write_corpus([row("u1"), row("u2", turn=0), row("u3", turn=1, speaker=""), row("u4", turn="1.5")])
    ingest_corpus(corpus, "c", store, progress=False)
    assert sorted(ingested(store)) == ["u1"]
    assert reasons(store) == [
        "manifest.csv line 3 (utterance 'u2'): turn 0 of dialogue 'd1' already given at manifest.csv line 2; "
        "row skipped",
        "manifest.csv line 4 (utterance 'u3'): speaker is empty; row skipped",
        "manifest.csv line 5 (utterance 'u4'): turn '1.5' is not a whole number >= 0; row skipped",
    ]


def test_missing_required_column_is_a_manifest_error(store, write_corpus):
    corpus = write_corpus([{"dialogue_id": "d1", "utterance_id": "u1"}], header=("dialogue_id", "utterance_id"))
    with pytest.raises(ManifestError, match=r"manifest.csv: missing required column\(s\) turn, speaker"):
        ingest_corpus(corpus, "c", store, progress=False)


def test_strict_fails_and_writes_nothing(store, write_corpus):
    corpus = write_corpus([row("u1"), row("u2", turn=1, split="nope"), row("u3", turn=2, video_path="gone.mp4")])
    with pytest.raises(IngestError) as raised:
        ingest_corpus(corpus, "c", store, strict=True, progress=False)
    assert len(raised.value.problems) == 2
    assert "2 problem(s) in the corpus; nothing was ingested" in str(raised.value)
    assert "unknown split 'nope'" in str(raised.value) and "'gone.mp4' does not exist" in str(raised.value)
    assert store.datasets() == []
    assert not store.errors_dir("c").exists()


def test_a_rare_label_is_a_warning_naming_it_and_a_declared_label_set_refuses_it(store, write_corpus):
    rows = [row(f"u{i}", turn=i, label="joy" if i % 2 else "neutral") for i in range(44)]
    rows.append(row("typo", turn=44, label="happyish"))
    corpus = write_corpus(rows)
    warned = ingest_corpus(corpus, "c", store, progress=False)
    (problem,) = warned.problems
    assert not problem.dropped and problem.utterance_id == "typo" and warned.rows_ingested == 45
    assert "label 'happyish' appears only 1 time(s) (most common: joy 22, neutral 22): a typo?" in problem.reason
    declared = ingest_corpus(corpus, "c", store, progress=False, labels=["joy", "neutral"])
    (problem,) = declared.problems
    assert problem.dropped and declared.rows_ingested == 44
    assert "label 'happyish' is not one of the declared labels (joy, neutral); row skipped" in problem.reason
    few = ingest_corpus(write_corpus(rows[:6] + rows[-1:]), "d", store, progress=False)
    assert few.problems == []  # too few labelled rows to call any label rare
