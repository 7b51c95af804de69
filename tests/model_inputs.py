"""Small model sizes and random dialogue graphs for the model tests."""

from __future__ import annotations

import torch
from torch_geometric.data import Data

DIMS = {"text": 12, "audio": 7, "visual": 9}
SMALL = {
    "mlp": {"hidden": 16},
    "bc_lstm": {"hidden": 16},
    "dialoguegcn": {"hidden": 16, "graph_hidden": 16, "num_bases": 4},
    "mmgcn": {"hidden": 16, "layers": 2},
    "amb_dsgdn": {
        "hidden": 16,
        "encoder_heads": 2,
        "feedforward": 32,
        "graph_heads": 2,
        "relation_dim": 4,
        "warmup_epochs": 0,
        "p_exe": 1.0,
    },
    "ar_iigcn": {"hidden": 16, "edge_hidden": 8, "classifier_hidden": 16, "gan_hidden": 16, "gan_epochs": 1},
    "cascla": {
        "model_dim": 16,
        "hidden": 8,
        "encoder_heads": 2,
        "feedforward": 16,
        "rank": 2,
        "label_dim": 8,
    },
    "cmcf_agcn": {
        "hidden": 16,
        "heads": 2,
        "feedforward": 16,
        "gru_hidden": 8,
        "graph_hidden": 16,
        "drop_message": 0.2,
        "sentiment": {"0": "negative", "1": "neutral", "2": "positive"},
    },
}
"""Small sizes per model, so the registry-wide tests stay fast; AMB-DSGDN's modality dropout is always on."""


def dialogue(length: int, dims: dict[str, int], *, seed: int, missing: float = 0.0, speakers: int = 2) -> Data:
    """One random dialogue graph shaped like :func:`models.graph_data.dialogue_graphs` output."""
    generator = torch.Generator().manual_seed(seed)
    graph = Data(
        speaker=torch.randint(0, speakers, (length,), generator=generator),
        position=torch.arange(length),
        y=torch.randint(0, 3, (length,), generator=generator),
        dialogue_id=f"d{seed}",
        split="train",
        utterance_ids=[f"d{seed}_u{i}" for i in range(length)],
        num_nodes=length,
    )
    for modality, dim in dims.items():
        mask = torch.rand(length, generator=generator) >= missing
        graph[f"x_{modality}"] = torch.randn(length, dim, generator=generator) * mask.unsqueeze(-1)
        graph[f"mask_{modality}"] = mask
    return graph
