"""CaSCLA's supervised contrastive loss with adversarial sample-label pairs (SCLA).

Guan et al., ICIC 2025, §3.3, Eqs. 10-18.

- Label embeddings (Eqs. 10-11): ``e_k = max(0, Embedding(k))``, ``z_k = Dropout(ReLU(W_g e_k + b_g))``.
- Similarity (Eq. 12, soft-HGR): ``Sim(f, z) = f.z - 1/2 sum_l cov(f, f_l) cov(z, z_{y_l}) / (M - 1)`` over the
  batch's ``M`` labelled samples, where ``cov(a, b)`` is the sample covariance of two vectors' entries. Eq. 12's
  ``1 / (M - 1)`` is read as the batch average of the covariance term (soft-HGR's expectation), not as a divisor
  of the inner product: divided by ``M - 1``, the similarities of a batch of long dialogues (``M`` in the
  hundreds) were all near 0, the softmax over classes stayed uniform and SCLA never trained.
- Positive pairs (Eqs. 13-15): ``p_pos(f) = exp Sim(f, z_y) / (sum_k exp Sim(f_i, z_k) + Aug_i)`` with
  ``Aug_i = sum_{f~ in F_aug} exp Sim(f~, z_y)``, and
  ``l_pos = -sum_{f in F_aug + {f_i}} log(p_pos) (1 - p_pos)^alpha``.
- Negative pairs (Eqs. 16-17): ``l_neg = -sum_{k != y} log(1 - p_k) p_k^beta``. Eq. 16 writes the probability of the
  true class for every negative; the reading that matches the stated intent ("minimise the similarity of such
  pairs") takes ``p_k = softmax_k Sim(f_i, z_k)`` of each negative class ``k``.
- Total (Eq. 18): ``sum_i (M / n_{y_i})^gamma (l_pos + l_neg)``, divided by ``M`` here because the trainer's
  cross-entropy is a batch mean. The class weights ``(M / n_y)^gamma`` are scaled to mean 1 over the batch (a
  choice): as written they average about the number of classes, so SCLA outweighed the cross-entropy K-fold.
  Both readings are measured in ``docs/models.md`` ("Why the graph models fell below the floor").
"""

from __future__ import annotations

import torch
from torch import nn


def _covariance(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Sample covariance of the entries of each row of ``a`` with each row of ``b``: ``[n, d] x [m, d] -> [n, m]``."""
    a = a - a.mean(-1, keepdim=True)
    b = b - b.mean(-1, keepdim=True)
    return a @ b.T / max(a.size(-1) - 1, 1)


def soft_hgr_similarity(
    features: torch.Tensor, labels_embedded: torch.Tensor, batch_features: torch.Tensor, batch_labels: torch.Tensor
) -> torch.Tensor:
    """Eq. 12 for every feature row against every label embedding: ``[n, d] x [K, d] -> [n, K]``.

    ``batch_features`` ``[M, d]`` and ``batch_labels`` ``[M, d]`` (the label embedding of each sample) give the
    covariance term.
    """
    m = batch_features.size(0)
    inner = features @ labels_embedded.T
    penalty = _covariance(features, batch_features) @ _covariance(labels_embedded, batch_labels).T / max(m - 1, 1)
    return inner - 0.5 * penalty


class LabelEmbedding(nn.Module):
    """Eqs. 10-11: a dense embedding ``z_k`` per class."""

    def __init__(self, num_classes: int, embedding_dim: int, out_dim: int, dropout: float) -> None:
        super().__init__()
        self.embedding = nn.Embedding(num_classes, embedding_dim)
        self.project = nn.Linear(embedding_dim, out_dim)  # W_g, b_g
        self.dropout = nn.Dropout(dropout)

    def forward(self) -> torch.Tensor:
        """``Z`` ``[K, out_dim]``."""
        e = torch.relu(self.embedding.weight)  # Eq. 11
        return self.dropout(torch.relu(self.project(e)))  # Eq. 10


def scla_loss(
    features: torch.Tensor,
    labels: torch.Tensor,
    label_embeddings: torch.Tensor,
    augmented: list[tuple[torch.Tensor, torch.Tensor]],
    *,
    alpha: float,
    beta: float,
    gamma: float,
) -> torch.Tensor:
    """Eq. 18 divided by ``M``.

    Args:
        features: ``f_i`` ``[M, d]`` of the labelled samples.
        labels: ``y_i`` ``[M]``.
        label_embeddings: ``Z`` ``[K, d]``.
        augmented: extra positives, each ``(rows [M, d], present [M])`` (adversarial ``f^r``, textual ``f_(t)``).
        alpha: positive focusing parameter.
        beta: negative focusing parameter.
        gamma: class-frequency weight exponent.
    """
    m = features.size(0)
    if m == 0:
        return label_embeddings.sum() * 0.0
    features = features.float()
    label_embeddings = label_embeddings.float()
    batch_labels = label_embeddings[labels]

    def similarity(rows: torch.Tensor) -> torch.Tensor:
        return soft_hgr_similarity(rows.float(), label_embeddings, features, batch_labels)

    own = similarity(features)  # [M, K]
    positives = [own.gather(1, labels.unsqueeze(1)).squeeze(1)]
    present = [torch.ones(m, dtype=torch.bool, device=features.device)]
    for rows, mask in augmented:
        positives.append(similarity(rows).gather(1, labels.unsqueeze(1)).squeeze(1))
        present.append(mask)
    positive = torch.stack(positives, dim=1)  # [M, 1 + augmentations]
    used = torch.stack(present, dim=1)
    augmentation = positive[:, 1:].masked_fill(~used[:, 1:], float("-inf"))  # Aug_i, Eq. 13 (log terms)
    log_denominator = torch.logsumexp(torch.cat([own, augmentation], dim=1), dim=1, keepdim=True)  # Eq. 14
    p_pos = (positive - log_denominator).exp().clamp(1e-12, 1.0)
    l_pos = -(torch.log(p_pos) * (1 - p_pos) ** alpha * used).sum(1)  # Eq. 15

    p = torch.softmax(own, dim=1)  # Eq. 16, per class
    negative = torch.ones_like(p, dtype=torch.bool).scatter(1, labels.unsqueeze(1), False)
    l_neg = -(torch.log((1 - p).clamp(min=1e-12)) * p**beta * negative).sum(1)  # Eq. 17

    counts = torch.bincount(labels, minlength=label_embeddings.size(0)).float()
    weight = (m / counts[labels]) ** gamma
    weight = weight / weight.mean()  # mean 1: SCLA on the cross-entropy's scale (module docstring)
    return (weight * (l_pos + l_neg)).sum() / m  # Eq. 18, over M
