"""AR-IIGCN's two-phase training: the GAN first, recorded in the run."""

from __future__ import annotations

import json

from emoflow.models.training.runs import train_runs

QUICK = {"epochs": 2, "batch_size": 32, "patience": None}


def test_ar_iigcn_trains_its_gan_first_and_records_it(contagion_store):
    (result,) = train_runs(
        contagion_store,
        "syn",
        "ar_iigcn",
        ["text", "audio"],
        seeds=[1],
        progress=False,
        model_overrides={"hidden": 16, "classifier_hidden": 16, "gan_hidden": 16, "gan_epochs": 2},
        train_overrides=QUICK,
    )
    metrics = json.loads((result.run_dir / "metrics.json").read_text())
    assert [r["epoch"] for r in metrics["pretrain_history"]] == [1, 2]
    assert all(r["discriminator_loss"] > 0 and r["generator_loss"] > 0 for r in metrics["pretrain_history"])
    assert len(metrics["history"]) == 2
