"""Acoustic features with openSMILE: functionals per utterance, or low-level descriptor (LLD) sequences.

IS10 paralinguistic functionals (1582-d) are the IEMOCAP literature's audio features (AMB-DSGDN §5.4, CaSCLA
§3.1); ComParE_2016 (6373-d) and eGeMAPSv02 (88-d) are the larger and the smaller standard sets. At the LLD
level each utterance gets its frame sequence (10 ms hop) and, as its vector, the mean over frames. Utterances
are decoded with ffmpeg (16 kHz mono) and processed in parallel threads, one openSMILE instance per thread.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from emoflow.extractors.base import Extraction, Extractor, UtteranceInput
from emoflow.extractors.media import MediaError, decode_audio, failure_reason
from emoflow.extractors.options.opensmile import OpenSmileConfig
from emoflow.extractors.registry import register
from emoflow.storage.store import ErrorRecord


class SmileRunner:
    """Decode each utterance's audio and run openSMILE on it, in parallel; failures become error records."""

    def __init__(self, feature_set: str, level: str, sample_rate: int, workers: int = 0) -> None:
        self.feature_set, self.level, self.sample_rate = feature_set, level, sample_rate
        self.workers = workers or os.cpu_count() or 1
        self._local = threading.local()

    def _smile(self):
        if not hasattr(self._local, "smile"):
            import opensmile

            level = opensmile.FeatureLevel.Functionals
            if self.level == "lld":
                level = opensmile.FeatureLevel.LowLevelDescriptors
            self._local.smile = opensmile.Smile(feature_set=opensmile.FeatureSet[self.feature_set], feature_level=level)
        return self._local.smile

    def features(self, row: UtteranceInput) -> np.ndarray:
        """``[dim]`` functionals or ``[frames, dim]`` LLDs of one utterance; :class:`MediaError` when unusable."""
        path = row.sound_path or ""
        signal = decode_audio(path, row.start_s, row.end_s, sample_rate=self.sample_rate)
        values = self._smile().process_signal(signal, self.sample_rate).to_numpy(dtype=np.float32)
        if len(values) == 0:
            raise MediaError(f"{path}: openSMILE found no frame in {len(signal) / self.sample_rate:.3f} s of audio")
        if not np.isfinite(values).all():
            raise MediaError(f"{path}: openSMILE produced NaN or infinite values (is the segment silent or too short?)")
        return values[0] if self.level == "functionals" else values

    def run(
        self,
        rows: Sequence[UtteranceInput],
        make_error: Callable[[UtteranceInput, str, str | None], ErrorRecord],
        *,
        progress: bool,
        desc: str,
    ) -> tuple[list[str], list[np.ndarray], list[ErrorRecord]]:
        """Features of every row that worked (ids and arrays, in row order) and an error for each that did not."""

        def attempt(row: UtteranceInput) -> np.ndarray | ErrorRecord:
            try:
                return self.features(row)
            except Exception as error:  # one bad file is recorded, the batch goes on
                return make_error(row, failure_reason(error, row.sound_path), row.sound_path)

        ids, arrays, errors = [], [], []
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            results = tqdm(pool.map(attempt, rows), total=len(rows), desc=desc, unit="utt", disable=not progress)
            for row, result in zip(rows, results, strict=True):
                if isinstance(result, ErrorRecord):
                    errors.append(result)
                else:
                    ids.append(row.utterance_id)
                    arrays.append(result)
        return ids, arrays, errors


@register
class OpenSmile(Extractor):
    """openSMILE functionals (``[dim]``) or LLD sequences (``[frames, dim]``, vector = mean) per utterance."""

    name = "opensmile"
    modality = "audio"
    Config = OpenSmileConfig

    def extract(self, rows: Sequence[UtteranceInput], *, cache_dir: Path, progress: bool = True) -> Extraction:
        """Run openSMILE over every row's audio segment."""
        config: OpenSmileConfig = self.config
        runner = SmileRunner(config.feature_set, config.level, config.sample_rate, config.workers)
        ids, arrays, errors = runner.run(rows, self.error, progress=progress, desc=f"audio {self.extractor_id}")
        if config.level == "functionals":
            vectors = np.stack(arrays) if arrays else np.zeros((0, 1), np.float32)
            return Extraction(ids, vectors, errors=errors)
        vectors = np.stack([a.mean(0) for a in arrays]) if arrays else np.zeros((0, 1), np.float32)
        return Extraction(ids, vectors, frames=arrays, errors=errors)
