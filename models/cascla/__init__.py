"""CaSCLA: tensor-ring fusion, perturbed Bi-GRU, causal-aware interaction, supervised contrastive label alignment."""
