"""Prefect events emoflow emits, for automations: a model promoted or kept back, a dataset with recorded errors.

Each event's resource names what it is about (``emoflow.model.<dataset>.<model>`` or ``emoflow.dataset.<dataset>``,
with ``emoflow.dataset``, ``emoflow.model`` and ``emoflow.store`` labels to match on); emitted inside a flow run,
Prefect relates it to that run, its flow and deployment. An automation triggered by one of these names (for
example ``emoflow.model.promoted``) can notify someone or run a deployment (``docs/orchestration.md``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect.events import emit_event

MODEL_PROMOTED = "emoflow.model.promoted"
MODEL_KEPT = "emoflow.model.kept"
ERRORS_RECORDED = "emoflow.dataset.errors-recorded"


def emit_model_decision(
    store: str | Path,
    dataset: str,
    model: str,
    promoted: bool,
    current: dict[str, Any] | None,
    candidate: dict[str, Any],
) -> None:
    """``emoflow.model.promoted`` or ``emoflow.model.kept``: retrain's decision, both records in the payload."""
    emit_event(
        MODEL_PROMOTED if promoted else MODEL_KEPT,
        resource={
            "prefect.resource.id": f"emoflow.model.{dataset}.{model}",
            "prefect.resource.name": f"{model} on {dataset}",
            "emoflow.dataset": dataset,
            "emoflow.model": model,
            "emoflow.store": str(Path(store).resolve()),
        },
        payload={"current": current, "candidate": candidate},
    )


def emit_errors_recorded(store: str | Path, dataset: str, stage: str, rows: list[dict[str, Any]]) -> None:
    """``emoflow.dataset.errors-recorded`` when the dataset has error rows; counts by stage and reason as payload."""
    if not rows:
        return
    emit_event(
        ERRORS_RECORDED,
        resource={
            "prefect.resource.id": f"emoflow.dataset.{dataset}",
            "prefect.resource.name": dataset,
            "emoflow.dataset": dataset,
            "emoflow.store": str(Path(store).resolve()),
        },
        payload={"flow": stage, "errors": sum(int(r["utterances"]) for r in rows), "by_reason": rows[:20]},
    )
