"""Artifacts the flows publish on every run (Prefect UI, Artifacts tab): metrics, confusion, paths, errors.

They are built in the flow from what the tasks left in the store, so a run served entirely from the cache
publishes them too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, cast
from uuid import UUID

from prefect.artifacts import (
    create_link_artifact,
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)

from emoflow.flows.events import emit_errors_recorded
from emoflow.models.training.model_card import CARD_FILE
from emoflow.recordings.analysis import RecordingAnalysis
from emoflow.storage.query import connect


def artifact_key(*parts: str) -> str:
    """A valid artifact key (lowercase letters, digits, dashes) made of ``parts``."""
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9-]", "-", "-".join(parts).lower())).strip("-")


def metrics_rows(metrics: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per class and a weighted row: support, accuracy (recall) and F1 in %, as the papers report."""
    rows = [
        {
            "class": c["name"],
            "support": c["support"],
            "accuracy": round(100 * c["accuracy"], 2),
            "f1": round(100 * c["f1"], 2),
        }
        for c in metrics["per_class"]
    ]
    rows.append(
        {
            "class": "weighted",
            "support": metrics["support"],
            "accuracy": round(100 * metrics["accuracy"], 2),
            "f1": round(100 * metrics["weighted_f1"], 2),
        }
    )
    return rows


def confusion_markdown(metrics: Mapping[str, Any]) -> str:
    """The confusion matrix as a Markdown table (rows: gold, columns: predicted)."""
    names = [c["name"] for c in metrics["per_class"]]
    lines = ["| gold \\ predicted | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    rows = zip(names, metrics["confusion"], strict=True)
    lines += [f"| {name} | " + " | ".join(map(str, row)) + " |" for name, row in rows]
    return "\n".join(lines)


class StageProgress:
    """A progress artifact (Prefect UI, Artifacts tab) counting a stage's or a task's steps as they finish."""

    def __init__(self, name: str, total: int, what: str = "tasks") -> None:
        self.name, self.total, self.what, self.done = name, max(1, total), what, 0
        made = create_progress_artifact(0.0, key=artifact_key("progress", name), description=self._text())
        self.artifact = cast(UUID, made)  # the synchronous call (flows and tasks here are synchronous)

    def _text(self) -> str:
        return f"{self.name}: {self.done} of {self.total} {self.what} done"

    def advance(self, steps: int = 1) -> None:
        """Count ``steps`` more as done."""
        self.done = min(self.total, self.done + steps)
        update_progress_artifact(self.artifact, 100.0 * self.done / self.total, description=self._text())

    def finish(self, note: str = "") -> None:
        """All done (training that stops early on patience ends here too)."""
        self.done = self.total
        update_progress_artifact(self.artifact, 100.0, description=self._text() + note)


def publish_run(run_dir: Path, stage: str) -> None:
    """Metrics, confusion matrix and model card artifacts of a run (test split, else val); a link to its folder."""
    report = json.loads((run_dir / "metrics.json").read_text())
    split = "test" if "test" in report else "val"
    run_id = report["run_id"]
    variant = json.loads((run_dir / "config.json").read_text()).get("variant")
    create_table_artifact(
        metrics_rows(report[split]),
        key=artifact_key(stage, "metrics", run_id),
        description=f"{run_id}: {split} metrics of the validation-selected epoch {report['epoch']}"
        + (f"; variant: {variant}" if variant else ""),
    )
    create_markdown_artifact(
        f"# {run_id}, {split}\n\n{confusion_markdown(report[split])}\n\n"
        f"Plot: [confusion.png]({(run_dir / 'confusion.png').resolve().as_uri()})\n",
        key=artifact_key(stage, "confusion", run_id),
        description=f"{run_id}: confusion matrix ({split})",
    )
    card = run_dir / CARD_FILE
    if card.is_file():
        create_markdown_artifact(
            card.read_text(), key=artifact_key(stage, "model-card", run_id), description=f"{run_id}: model card"
        )
    create_link_artifact(
        run_dir.resolve().as_uri(),
        link_text=f"{run_id}: checkpoint, report, plots",
        key=artifact_key(stage, "run", run_id),
        description=f"{run_id}: the run's folder",
    )


def publish_predictions(
    run_id: str, dataset: str, summaries: list[dict[str, Any]], timelines: dict[str, str], predictions: str
) -> None:
    """The per-dialogue summaries as a table, and the predictions file and timeline images as a Markdown list."""
    create_table_artifact(
        summaries,
        key=artifact_key("predict", "summary", dataset),
        description=f"{dataset}: predicted emotions per dialogue ({run_id})",
    )
    lines = [f"# {dataset}: predictions of {run_id}", "", f"Predictions: `{predictions}`", "", "Timelines:", ""]
    lines += [f"- {dialogue}: [{Path(path).name}](file://{path})" for dialogue, path in timelines.items()]
    create_markdown_artifact(
        "\n".join(lines) + "\n",
        key=artifact_key("predict", "timelines", dataset),
        description=f"{dataset}: one timeline PNG per dialogue",
    )


def publish_paths(stage: str, paths: Sequence[str | Path], description: str) -> None:
    """A Markdown list of the store paths a stage wrote (or found up to date)."""
    lines = "\n".join(f"- `{p}`" for p in paths) or "(nothing)"
    create_markdown_artifact(f"# {description}\n\n{lines}\n", key=artifact_key(stage, "paths"), description=description)


def publish_errors(store: str | Path, dataset: str, stage: str) -> list[dict[str, Any]]:
    """Counts of the dataset's recorded errors by stage and reason, as a table artifact; returns the rows.

    With any rows, an ``emoflow.dataset.errors-recorded`` event goes out too (:mod:`flows.events`).
    """
    relation = connect(store).execute(
        "SELECT stage, regexp_replace(reason, '^[^ ]*[/.][^ ]*: ', '') AS reason, count(*) AS utterances "
        "FROM errors WHERE dataset = ? GROUP BY ALL ORDER BY utterances DESC, stage, reason",
        [dataset],
    )
    columns = [d[0] for d in relation.description]
    rows = [dict(zip(columns, r, strict=True)) for r in relation.fetchall()]
    create_table_artifact(
        rows or [{"stage": "-", "reason": "no errors recorded", "utterances": 0}],
        key=artifact_key(stage, "errors", dataset),
        description=f"{dataset}: errors recorded in the store, by stage and reason",
    )
    emit_errors_recorded(store, dataset, stage, rows)
    return rows


def recording_summary(analysis: RecordingAnalysis) -> dict[str, Any]:
    """What one long recording held: length, speakers and their talk time, turns, words, languages, speed."""
    talk: dict[str, float] = {}
    for turn in analysis.turns:
        talk[turn.speaker] = talk.get(turn.speaker, 0.0) + turn.end_s - turn.start_s
    spent = sum(analysis.seconds.values())
    return {
        "recording": analysis.path,
        "duration_s": round(analysis.duration_s, 2),
        "speakers": {k: round(v, 2) for k, v in sorted(talk.items())},
        "speaker_source": sorted({t.speaker_source for t in analysis.turns}),
        "turns": len(analysis.turns),
        "words": sum(len(t.text.split()) for t in analysis.turns if t.text),
        "languages": sorted({t.language for t in analysis.turns if t.language}),
        "real_time_factor": round(spent / analysis.duration_s, 3) if analysis.duration_s else None,
    }


def publish_recording(dataset: str, dialogue: str, summary: Mapping[str, Any]) -> None:
    """A Markdown artifact for one analysed recording: speakers and their talk time, turns, words, languages."""
    speakers = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in summary["speakers"].items())
    lines = [
        f"# {dialogue}",
        "",
        f"- recording: `{summary['recording']}` ({summary['duration_s']:.1f} s)",
        f"- speakers ({len(summary['speakers'])}, from {', '.join(summary['speaker_source'])}): {speakers}",
        f"- turns: {summary['turns']}, words: {summary['words']}",
        f"- languages: {', '.join(summary['languages']) or 'from the transcript'}",
        f"- analysis time: {summary['real_time_factor']} × real time",
    ]
    create_markdown_artifact(
        "\n".join(lines) + "\n",
        key=artifact_key("recording", dataset, dialogue),
        description=f"{dataset}: speakers, turns and words found in {dialogue}",
    )
