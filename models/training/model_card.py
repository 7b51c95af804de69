"""A model card per run (``runs/<id>/MODEL_CARD.md``): what it was trained on, how, how well, and its limits.

Written with every run's other outputs; the flows publish it as an artifact and ``emoflow models show RUN_ID``
prints it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from emoflow.models.training.metrics import MajorityBaseline, Metrics

CARD_FILE = "MODEL_CARD.md"


def model_card(
    config: Mapping[str, Any],
    metrics: Mapping[str, Metrics],
    sizes: Mapping[str, tuple[int, int]],
    epoch: int,
    epochs_run: int,
    majority: MajorityBaseline | None = None,
) -> str:
    """The card's Markdown. ``sizes``: split -> (dialogues, utterances); ``metrics``: split -> scores.

    ``majority``: the majority-class baseline, printed under the metrics for comparison.
    """
    from emoflow.models.training.metrics import paper_table, support_table  # numpy, torch: only for a card

    run_id = config["run_id"]
    lines = [f"# Model card: {run_id}", ""]
    lines += [
        f"- **Model**: `{config['model']}`" + (f" ({config['variant']})" if config.get("variant") else ""),
        f"- **Trained on**: dataset `{config['dataset']}`, "
        + "; ".join(f"{split} {d} dialogues / {u} utterances" for split, (d, u) in sizes.items()),
        f"- **Classes** ({len(config['classes'])}): {', '.join(config['classes'])}",
        f"- **Selection**: epoch {epoch} of the {epochs_run} run, the one with the best validation weighted F1; the "
        "test split was scored once, with that epoch, and never used to choose anything",
        f"- **Seed**: {config['seed']}; **code**: emoflow {config.get('code', {}).get('emoflow', 'before 0.2')}, "
        f"source digest {config.get('code', {}).get('source', 'not recorded')}",
        "",
        "## Feature recipe",
        "",
        "How each input was made; `emoflow predict` makes new recordings' inputs the same way.",
        "",
        "| input | extractor | table id | trained stage reused on new data |",
        "|---|---|---|---|",
    ]
    for name, entry in (config.get("recipe") or {}).items():
        reused = ", ".join(f"{k}={v}" for k, v in entry.get("reuse", {}).items())
        trained = f"{reused} (trained on `{entry['trained_on']}`)" if reused else "none (frozen)"
        lines.append(f"| {name} | `{entry.get('extractor')}` | `{entry['id']}` | {trained} |")
    lines += ["", "Extractor settings, per input:", ""]
    for name, entry in (config.get("recipe") or {}).items():
        lines.append(f"- {name}: `{json.dumps(entry.get('config'), sort_keys=True)}`")
    lines += [
        "",
        "## Hyperparameters",
        "",
        f"- model: `{json.dumps(config['model_config'], sort_keys=True)}`",
        f"- training: `{json.dumps(config['train_config'], sort_keys=True)}`",
        f"- settings file: `{config.get('settings')}`",
        "",
        "## Metrics (%)",
        "",
        paper_table({split: m for split, m in metrics.items()}),
        "",
        *_baseline_lines(majority),
        "Labelled utterances per class:",
        "",
        support_table(metrics),
        "",
        "## Limitations",
        "",
        f"- It predicts one of the {len(config['classes'])} classes above for every utterance; an emotion outside "
        "them is mapped onto the nearest one it knows.",
        f"- The scores above are on `{config['dataset']}`'s own validation and test splits: recordings unlike it "
        "(language, domain, microphones, cameras, transcripts from speech recognition) may score lower.",
        f"- Dialogues with more than {config['num_speakers']} speakers share the last speaker index beyond that.",
        "- Inputs are standardised with the train split's statistics, kept in the checkpoint; an input missing for "
        "an utterance is masked, as in training.",
        f"- Modalities read: {', '.join(config['features'])}. What the media carry decides what they add: "
        "synthetic speech or still faces carry no emotion.",
    ]
    return "\n".join(lines) + "\n"


def _baseline_lines(majority: MajorityBaseline | None) -> list[str]:
    """The majority-class baseline's weighted F1 per split, as the card's paragraph."""
    if majority is None:
        return []
    scores = ", ".join(f"{split} {100 * value:.2f}" for split, value in majority.weighted_f1.items())
    return [
        f"Majority-class baseline (always `{majority.label}`, the train split's most frequent class): weighted "
        f"F1 {scores}. A model is promoted only when its validation weighted F1 beats it.",
        "",
    ]
