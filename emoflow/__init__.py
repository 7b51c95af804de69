"""emoflow: multimodal emotion recognition in conversation, from recordings to an emotion per utterance."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from emoflow.core.version import __version__

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["__version__", "predict"]


def predict(
    corpus: str | Path,
    *,
    store: str | Path = "store",
    model: str | None = None,
    run: str | None = None,
    trained_on: str | None = None,
    dataset: str | None = None,
    layout: str = "auto",
    device: str = "auto",
    timelines: bool = True,
    as_pandas: bool = False,
) -> pa.Table | Any:
    """Predict an emotion for every utterance of ``corpus`` with a model trained in ``store``.

    ``corpus`` is a manifest (labels and splits optional) or a MELD/IEMOCAP folder; it is ingested as
    ``dataset`` (default: its folder's name) and its features are made by the run's recipe. The model is
    ``run``, or ``model``'s promoted run for ``trained_on`` (else its best run by validation weighted F1).
    Returns the rows written to the store's ``predictions`` table, as an Arrow table or a pandas DataFrame.

    Example::

        import emoflow

        table = emoflow.predict("demo/new-recordings", store="demo/store", model="bc_lstm", trained_on="demo")
        print(table.select(["dialogue_id", "turn", "speaker", "predicted", "confidence"]))
    """
    from emoflow.models.prediction import predict_corpus
    from emoflow.storage import FeatureStore

    result = predict_corpus(
        corpus,
        FeatureStore(store),
        dataset=dataset,
        layout=layout,
        run=run,
        model=model,
        trained_on=trained_on,
        device=device,
        timelines=timelines,
        progress=False,
    )
    return result.table.to_pandas() if as_pandas else result.table
