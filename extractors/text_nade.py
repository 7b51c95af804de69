"""Emotion scores from nade (Näher an den Emotionen): an emoji predictor and Plutchik regressors, CPU-fast.

nade (MIT, on PyPI with its models) runs two stages on each utterance: a fastText classifier gives the
probability of each of 151 emojis, and one LightGBM regressor per Plutchik emotion (anger, anticipation,
disgust, fear, joy, sadness, surprise, trust) turns those 151 probabilities into a score in [0, 1]. The vector
stored here is both, side by side: 151 emoji probabilities (ordered by the emoji index's ids, the order the
regressors read them in) then the 8 scores, 159-d. About 1,600 utterances a second on one CPU core, no GPU.

It is a *feature stream*: the pipeline appends it to the modality's main text vector
(``--features text=<encoder id>+<nade id>``, :mod:`emoflow.models.graph_data`), so every model reads both.

The models are read from nade's package folder as they are: the regressors' gzipped text is decompressed in
memory (nade itself would unpack them into its own folder on first use, which fails on a read-only install).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from emoflow.extractors.base import Extraction, Extractor, UtteranceInput, WeightsError, batches
from emoflow.extractors.options.nade_scores import NadeScoresConfig
from emoflow.extractors.registry import register

EMOTIONS = ("anger", "anticipation", "disgust", "fear", "joy", "sadness", "surprise", "trust")
EMOJIS = 151


@dataclass(frozen=True)
class NadeModels:
    """nade's emoji classifier, its regressors per emotion, and the column of each emoji label id."""

    classifier: Any
    regressors: dict[str, Any]
    columns: dict[int, int]


@lru_cache(maxsize=1)
def load_nade(model: str) -> NadeModels:
    """The fastText emoji classifier and the eight LightGBM regressors of nade, read without writing anywhere."""
    try:
        import fasttext
        import lightgbm
        import nade
    except ImportError as error:
        raise WeightsError(f"nade_scores needs the nade package ({error.name} is missing): pip install nade") from None
    folder = Path(nade.__path__[0]) / "data" / model
    if not (folder / "nade_250k_hp.ftz").is_file():
        raise WeightsError(f"nade_scores: no model {model!r} in {folder.parent} (nade ships socialmedia_en)")
    fasttext.FastText.eprint = lambda *_: None  # its load-time warning about the model format
    classifier = fasttext.load_model(str(folder / "nade_250k_hp.ftz"))
    regressors = {}
    for emotion in EMOTIONS:
        with gzip.open(folder / f"reg_{emotion}.txt.gz", "rt", encoding="utf-8") as handle:
            regressors[emotion] = lightgbm.Booster(model_str=handle.read())
    with (folder / "emoji_frequencies.jsonl").open(encoding="utf-8") as handle:
        ids = sorted(int(json.loads(line)["hash"]) for line in handle if line.strip())
    if len(ids) != EMOJIS:
        raise WeightsError(f"nade_scores: {folder} lists {len(ids)} emojis, expected {EMOJIS}")
    return NadeModels(classifier, regressors, {label: column for column, label in enumerate(ids)})


def emoji_probabilities(models: NadeModels, texts: Sequence[str]) -> np.ndarray:
    """``[n, 151]`` emoji probabilities, a column per emoji label id in ascending order (as the regressors read)."""
    from nade.nade import Nade

    prepared = Nade.preprocess(list(texts)).to_pylist()  # nade's own normalisation: spaced punctuation, lower case
    labels, probabilities = models.classifier.predict(prepared, k=EMOJIS)
    out = np.zeros((len(texts), EMOJIS), dtype=np.float32)
    for row, (names, values) in enumerate(zip(labels, probabilities, strict=True)):
        out[row, [models.columns[int(name.removeprefix("__label__"))] for name in names]] = values
    return out


@register
class NadeScores(Extractor):
    """159-d per utterance: nade's 151 emoji probabilities and its 8 Plutchik emotion scores."""

    name = "nade_scores"
    modality = "text"
    Config = NadeScoresConfig
    feature_stream = True

    def extract(self, rows: Sequence[UtteranceInput], *, cache_dir: Path, progress: bool = True) -> Extraction:
        """Score every row's text; an utterance without text gets nade's scores of the empty string."""
        config: NadeScoresConfig = self.config
        models = load_nade(config.model)
        vectors = np.zeros((len(rows), EMOJIS + len(EMOTIONS)), dtype=np.float32)
        for chunk in tqdm(
            batches(list(range(len(rows))), config.batch_size), desc=f"text {self.extractor_id}", disable=not progress
        ):
            emojis = emoji_probabilities(models, [(rows[i].text or "").strip() for i in chunk])
            scores = np.stack([models.regressors[e].predict(emojis.astype(np.float64)) for e in EMOTIONS], axis=1)
            vectors[np.asarray(chunk)] = np.concatenate([emojis, np.clip(scores, 0.0, 1.0)], axis=1)
        details = {"model": config.model, "emotions": list(EMOTIONS), "emojis": EMOJIS}
        return Extraction([r.utterance_id for r in rows], vectors, details=details)
