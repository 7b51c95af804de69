"""Running an extractor over a dataset of the store: read utterances, extract, write features, errors, lineage.

A feature table is up to date when its lineage holds the same input fingerprint (the extractor id and every
input utterance's content hash, plus the labels for trained extractors); then nothing is recomputed and the
report says so. Failed utterances are recorded in ``errors/`` under stage ``extract-<modality>``; the others
are written. Utterances without an input for the modality (no text, no media) are left out, not failed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time
from collections import Counter
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pyarrow as pa

from extractors.base import Extractor, UtteranceInput
from storage.lineage import make_lineage
from storage.parquet_io import parquet_files, read_lineage
from storage.store import FeatureStore


@dataclass(frozen=True)
class ExtractReport:
    """What one extraction did."""

    dataset: str
    modality: str
    extractor_id: str
    inputs: int
    written: int
    failed: int
    without_input: int
    up_to_date: bool
    path: Path | None
    seconds: float
    error_reasons: dict[str, int]

    def summary(self) -> str:
        """One paragraph for the terminal."""
        head = f"{self.dataset}/{self.modality}/{self.extractor_id}: "
        if self.up_to_date:
            return head + f"up to date ({self.inputs} utterances unchanged), nothing extracted"
        lines = [
            head + f"{self.written} of {self.inputs} utterances extracted in {self.seconds:.1f} s"
            + (f", {self.failed} failed (recorded in errors)" if self.failed else "")
            + (f"; {self.without_input} have no {self.modality} input" if self.without_input else "")
        ]  # fmt: skip
        lines += [f"  {count} x {reason}" for reason, count in self.error_reasons.items()]
        return "\n".join(lines)


def utterance_inputs(table: pa.Table) -> list[UtteranceInput]:
    """The store's utterance rows as extractor inputs, in dialogue and turn order."""
    names = {f.name for f in dataclasses.fields(UtteranceInput)}
    rows = [UtteranceInput(**{k: v for k, v in row.items() if k in names}) for row in table.to_pylist()]
    return sorted(rows, key=lambda r: (r.dialogue_id, r.turn))


def inputs_fingerprint(extractor: Extractor, rows: list[UtteranceInput]) -> str:
    """Hash of the extractor id and its inputs (labels and splits too when the extractor trains on them)."""
    keys: list[tuple[str | None, ...]]
    if extractor.uses_labels:
        keys = sorted((r.utterance_id, r.content_hash, r.label, r.split) for r in rows)
    else:
        keys = sorted((r.utterance_id, r.content_hash) for r in rows)
    payload = json.dumps([extractor.extractor_id, keys])
    return hashlib.blake2b(payload.encode(), digest_size=16).hexdigest()


def extract_features(
    store: FeatureStore,
    dataset: str,
    extractor: Extractor,
    *,
    refresh: bool = False,
    progress: bool = True,
) -> ExtractReport:
    """Extract ``extractor``'s features for every utterance of ``dataset`` that has an input for its modality."""
    started = time.perf_counter()
    rows = utterance_inputs(store.read_utterances(dataset))
    wanted = [r for r in rows if extractor.wants(r)]
    fingerprint = inputs_fingerprint(extractor, wanted)
    folder = store.features_dir(dataset, extractor.modality, extractor.extractor_id)
    existing = parquet_files(folder)
    report = partial(
        ExtractReport, dataset=dataset, modality=extractor.modality, extractor_id=extractor.extractor_id,
        inputs=len(wanted), without_input=len(rows) - len(wanted),
    )  # fmt: skip
    if not refresh and existing and read_lineage(existing[0]).get("inputs_fingerprint") == fingerprint:
        return report(written=0, failed=0, up_to_date=True, path=existing[0], seconds=0.0, error_reasons={})
    cache_dir = store.cache_dir("extractors") / extractor.extractor_id
    extraction = extractor.extract(wanted, cache_dir=cache_dir, progress=progress)
    dialogue_of = {r.utterance_id: r.dialogue_id for r in wanted}
    path = None
    if extraction.utterance_ids:
        lineage = make_lineage(
            "extract",
            extractor=extractor.name,
            config=dataclasses.asdict(extractor.config),
            inputs_fingerprint=fingerprint,
            inputs=len(wanted),
            failed=len(extraction.errors),
            details=extraction.details,
        )
        path = store.write_features(
            dataset, extractor.modality, extractor.extractor_id, extraction.utterance_ids,
            [dialogue_of[u] for u in extraction.utterance_ids], extraction.vectors, lineage, frames=extraction.frames,
        )  # fmt: skip
    store.replace_errors(dataset, f"extract-{extractor.modality}", extractor.extractor_id, extraction.errors)
    reasons = Counter(_reason_kind(e.reason) for e in extraction.errors)
    return report(
        written=len(extraction.utterance_ids), failed=len(extraction.errors), up_to_date=False, path=path,
        seconds=time.perf_counter() - started, error_reasons=dict(reasons.most_common()),
    )  # fmt: skip


def _reason_kind(reason: str) -> str:
    """The reason without the file name in front, so that the summary groups alike failures."""
    head, sep, tail = reason.partition(": ")
    return tail if sep and ("/" in head or "." in head) else reason
