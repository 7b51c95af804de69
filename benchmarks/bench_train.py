"""Training cost per model on a MELD-sized synthetic store, measured side by side in one run.

The store has MELD's shape: its dialogues (1038 / 114 / 280 for train / val / test) with MELD's own dialogue
lengths, read from the MELD transcripts, and the papers' feature sizes (text 1024, audio 300, visual 342), with
7 classes. Each model trains with its paper settings (configs/models/<model>.yaml) for a few epochs in its own
process; the table gives seconds per epoch (training plus validation scoring, the fastest epoch) and the process's
peak memory (resident set on CPU, CUDA allocator peak on a GPU), with the ratio to the mlp floor.

Run with `make bench` or `python benchmarks/bench_train.py [--epochs N] [--models a,b] [--device auto]`.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from emoflow.core.device import seed_everything

MELD = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "meld"
SPLIT_FILES = {"train": "train_sent_emo.csv", "val": "dev_sent_emo.csv", "test": "test_sent_emo.csv"}
DIMS = {"text": 1024, "audio": 300, "visual": 342}
MODELS = ("mlp", "bc_lstm", "dialoguegcn", "mmgcn", "amb_dsgdn", "ar_iigcn", "cascla", "cmcf_agcn")
MELD_CLASSES = ("anger", "disgust", "fear", "joy", "neutral", "sadness", "surprise")
FIRST_PHASE_EPOCHS = {"ar_iigcn": {"gan_epochs": 1}}
"""Models with a training phase of their own run one epoch of it; its time is reported in its own column."""


def meld_lengths() -> dict[str, list[int]]:
    """Utterances per dialogue, per split, from the MELD transcripts."""
    lengths = {}
    for split, name in SPLIT_FILES.items():
        with open(MELD / name, newline="", encoding="utf-8") as handle:
            counts = Counter(row["Dialogue_ID"] for row in csv.DictReader(handle))
        lengths[split] = [counts[d] for d in sorted(counts, key=int)]
    return lengths


def measure(store: Path, model: str, epochs: int, device: str) -> dict[str, float]:
    """Child process: train ``model`` for ``epochs`` and report seconds per epoch and peak memory."""
    import torch

    from emoflow.models.graph_data import dialogue_graphs
    from emoflow.models.registry import create_model
    from emoflow.models.training.runs import data_spec, most_speakers
    from emoflow.models.training.settings import TrainConfig, load_settings
    from emoflow.models.training.trainer import fit
    from emoflow.storage import FeatureStore

    data = dialogue_graphs(FeatureStore(store), "meld_sized", {m: "synthetic" for m in DIMS})
    settings = load_settings(model)
    config = TrainConfig.from_dict({**settings.train, "epochs": epochs, "patience": None, "device": device})
    seed_everything(0)
    options = {**settings.model, **FIRST_PHASE_EPOCHS.get(model, {})}
    network = create_model(model, data_spec(data, most_speakers(data)), **options)
    result = fit(network, data.splits["train"], data.splits["val"], config, seed=0, progress=False)
    on_gpu = next(network.parameters()).is_cuda
    peak = (
        torch.cuda.max_memory_allocated() / 2**20
        if on_gpu
        else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    )
    return {
        "seconds": min(h["seconds"] for h in result.history),
        "first_phase_seconds": sum(h["seconds"] for h in result.pretrain_history),
        "peak_mib": peak,
        "device": torch.cuda.get_device_name() if on_gpu else "cpu",
        "parameters": sum(p.numel() for p in network.parameters()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=2, help="epochs per model (the fastest one is reported)")
    parser.add_argument("--models", default=",".join(MODELS), help="comma-separated models")
    parser.add_argument("--device", default="auto", help="auto, cpu or cuda")
    parser.add_argument("--child", nargs=2, metavar=("STORE", "MODEL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(Path(args.child[0]), args.child[1], args.epochs, args.device)))
        return
    if not MELD.is_dir():
        print(f"skipping the training benchmark: the MELD transcripts ({MELD}) are absent")
        return

    from emoflow.storage import FeatureStore
    from emoflow.testing.synthetic import write_contagion_dataset

    lengths = meld_lengths()
    with tempfile.TemporaryDirectory() as work:
        store = Path(work) / "store"
        write_contagion_dataset(
            FeatureStore(store), "meld_sized", lengths, dims=DIMS, num_classes=7, class_names=MELD_CLASSES
        )
        rows = {}
        for model in args.models.split(","):
            command = [
                sys.executable,
                __file__,
                "--child",
                str(store),
                model,
                "--epochs",
                str(args.epochs),
                "--device",
                args.device,
            ]
            output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
            rows[model] = json.loads(output.strip().splitlines()[-1])
    counts = {s: f"{len(v)} dialogues / {sum(v)} utterances" for s, v in lengths.items()}
    print(f"MELD-sized synthetic store: {counts}; features {DIMS}; {args.epochs} epochs per model")
    base = rows.get("mlp")
    print("| model | device | parameters | s / epoch | vs mlp | first phase s / epoch | peak memory (MiB) |")
    print("|---|---|---|---|---|---|---|")
    for model, row in rows.items():
        ratio = f"{row['seconds'] / base['seconds']:.1f}x" if base else "-"
        first = f"{row['first_phase_seconds']:.2f}" if row["first_phase_seconds"] else "-"
        print(
            f"| {model} | {row['device']} | {row['parameters']:,} | {row['seconds']:.2f} | {ratio} | {first} | "
            f"{row['peak_mib']:.0f} |"
        )


if __name__ == "__main__":
    main()
