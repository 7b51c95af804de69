"""AR-IIGCN's graph contrastive losses (Shou, Meng, Ai and Li, §IV-B and §IV-C, Eqs. 11-14, 16).

Similarity (both losses): "the softmax function is used to normalize the representations ... so that the
similarity ranges between 0 and 1". Each node embedding is turned into a probability vector by a softmax over
its features, and the similarity of two nodes is the dot product of their vectors, which lies in [0, 1].

- ICCL (Eqs. 11-12), within one modality: for an anchor ``i``, positives are the other nodes of its class,
  negatives the nodes of other classes. ``L_ICCL = -mean_i [sum_pos s / (sum_pos s + sum_neg s)]`` plus the
  regulariser ``mean_pos (s - 1)^2`` that pulls positive similarities to 1 (the remedy §IV-B gives for the
  degenerate optimum where negatives reach 0 and positives stay small).
- IMCL (Eqs. 13-14), across modalities: the ``2N`` positives and ``2M`` negatives of Eq. 13 are read as the
  nodes of the anchor's class (the utterance itself included) and of other classes in the *two other*
  modalities. The text around Eq. 14 is contradictory: it writes the regulariser on negatives with target
  ``beta``, and describes IMCL both as pulling same-class cross-modal pairs together and as keeping them apart.
  The reading that matches the stated intent (a "modal margin" that stops modalities collapsing, best at
  beta = 0.8-0.9 in §VI-E) is implemented: the regulariser pulls same-class *cross-modal* similarities to
  ``beta`` rather than 1, so they stay close but short of the intra-modal target of ICCL.

Anchors without a positive are skipped; a batch with none gives a zero loss (with a graph).
"""

from __future__ import annotations

import torch
from torch import nn


def _similarity(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Dot products of softmax-normalised rows, ``[n, d] x [k, d] -> [n, k]`` in [0, 1]."""
    return nn.functional.softmax(a.float(), dim=-1) @ nn.functional.softmax(b.float(), dim=-1).T


def _ratio_loss(similarity: torch.Tensor, positive: torch.Tensor, negative: torch.Tensor) -> torch.Tensor:
    """``-mean_i sum_pos / (sum_pos + sum_neg)`` over anchors (rows) with a positive."""
    pos = (similarity * positive).sum(-1)
    neg = (similarity * negative).sum(-1)
    anchors = positive.any(-1)
    if not anchors.any():
        return similarity.sum() * 0.0
    return -(pos[anchors] / (pos[anchors] + neg[anchors]).clamp(min=1e-12)).mean()


def _pull_to(similarity: torch.Tensor, pairs: torch.Tensor, target: float) -> torch.Tensor:
    """Mean ``(s - target)^2`` over the chosen pairs."""
    if not pairs.any():
        return similarity.sum() * 0.0
    return ((similarity[pairs] - target) ** 2).mean()


def iccl_loss(embeddings: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Eq. 12: intra-/inter-class contrast within one modality, plus the pull of positives to 1.

    ``embeddings`` ``[n, d]`` and ``labels`` ``[n]`` of the labelled nodes that have the modality.
    """
    similarity = _similarity(embeddings, embeddings)
    same = labels.unsqueeze(0) == labels.unsqueeze(1)
    itself = torch.eye(len(labels), dtype=torch.bool, device=labels.device)
    positive = same & ~itself
    return _ratio_loss(similarity, positive, ~same) + _pull_to(similarity, positive, 1.0)


def imcl_loss(
    embeddings: dict[str, torch.Tensor], masks: dict[str, torch.Tensor], labels: torch.Tensor, beta: float
) -> torch.Tensor:
    """Eq. 14: each modality's nodes against the other modalities' nodes, positives pulled to the margin ``beta``.

    ``embeddings`` modality -> ``[n, d]`` over the same labelled nodes, ``masks`` modality -> ``[n]`` (which of
    them have the modality), ``labels`` ``[n]``.
    """
    modalities = list(embeddings)
    zero = next(iter(embeddings.values())).sum() * 0.0
    if len(modalities) < 2:
        return zero
    same = labels.unsqueeze(0) == labels.unsqueeze(1)
    ratio, margin, anchored = zero, zero, 0
    for m in modalities:
        anchors = masks[m]
        others = [o for o in modalities if o != m]
        similarity = torch.cat([_similarity(embeddings[m][anchors], embeddings[o]) for o in others], dim=1)
        present = torch.cat([masks[o] for o in others]).unsqueeze(0)
        positive = same[anchors].repeat(1, len(others)) & present
        negative = ~same[anchors].repeat(1, len(others)) & present
        if positive.any():
            ratio = ratio + _ratio_loss(similarity, positive, negative)
            margin = margin + _pull_to(similarity, positive, beta)
            anchored += 1
    return (ratio + margin) / max(anchored, 1)


def hybrid_loss(iccl: torch.Tensor, imcl: torch.Tensor, lam: float) -> torch.Tensor:
    """Eq. 16: ``lambda * IMCL + (1 - lambda) * ICCL`` (both with their regularisers)."""
    return lam * imcl + (1 - lam) * iccl
