"""``ar_iigcn``: AR-IIGCN, adversarial representation with intra-/inter-modal graph contrastive learning.

Shou, Meng, Ai and Li, "Adversarial Representation with Intra-Modal and Inter-Modal Graph Contrastive Learning
for Multimodal Emotion Recognition".

Follows the paper:

- Per-modality MLP projections to separate ``d``-sized spaces (Eq. 1).
- Tri-modal GAN trained first, in a phase of its own (Algorithm 1, lines 3-11; :mod:`models.ar_iigcn.tri_modal_gan`,
  Eqs. 2-7); the projections it shaped then feed the graph stage, trained with Eq. 17 (lines 12-22).
- A speaker-relation graph per modality over a context window of 10 (§IV-A2): edge weights from an MLP over the
  concatenated node pair, ``W1 GELU(W2 [x_i ; x_j])`` (Eq. 8), softmax over each node's neighbours (Eq. 9),
  computed from the projections and shared by the graph layers (Algorithm 1, line 15).
- Relational GCN with GELU (Eq. 10), read as the DialogueGCN layer it is written after (Ghosal et al. 2019,
  Eq. 2, and their released code): ``GELU(W_0 psi_i + sum_r sum_{j in N_i^r} w_ij W_r psi_j)``, one weight per
  relation (the self-loop ``w_ii W_self psi_i`` among them), :class:`models.layers.relational_conv.RelationalConv`.
  Two departures from Eq. 10's letter, both measured (``docs/models.md``, "Why the graph models fell below the
  floor"): the attention weights already sum to 1 over a node's window, so the extra ``1 / |N_i^r|`` is left
  out (with it every layer shrank the node vectors about 20-fold on 100-turn dialogues and training never left
  chance loss); and Eq. 10's single ``W1`` is one ``W_r`` per relation, since with the degree term gone a
  shared ``W1`` could not tell the speaker's own turns from the other speaker's.
- ICCL and IMCL with their regularisers and the margin ``beta`` (Eqs. 11-14, :mod:`models.ar_iigcn.losses`),
  ``L_hybrid = lambda IMCL + (1 - lambda) ICCL`` (Eq. 16), ``L = L_CLS + L_hybrid`` (Eq. 17).
- Emotion inference MLP: two fully connected ReLU layers and a decision layer (Eq. 15, §IV-D).

Documented choices (the paper is silent or ambiguous):

- Relations are the speaker/direction ones of :mod:`models.layers.edges` (same or other speaker, past or future): the
  paper names edge types ``r`` without listing them. "Window 10" is read as 10 past and 10 future turns.
- The projection MLP is linear-ReLU-linear; ``d``, the GAN's widths and learning rate, the number of graph
  layers and ``lambda`` are not given (``configs/models/ar_iigcn.yaml`` says which values are choices). The
  GAN phase runs ``gan_epochs`` epochs (Algorithm 1 uses the same ``K`` for both phases).
- The multimodal vector ``z^f`` fed to the classifier is, per modality, the projection next to its graph output
  ``[xi ; psi]``, concatenated over modalities: the "matching attention layer" of §IV-D is not specified, and
  DialogueGCN's classifier, which it names, reads ``[g_i ; h_i]``.
- Contrastive similarities and the reading of the anchor/positive definitions: see :mod:`models.ar_iigcn.losses`.
- Missing modalities: a masked utterance sends no messages in its modality's graph, is no anchor, positive or
  negative there, and is left out of that modality's GAN pairs.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

import torch
from torch import nn
from torch_geometric.data import Batch
from torch_geometric.utils import softmax
from tqdm.auto import tqdm

from emoflow.models.ar_iigcn.config import ARIIGCNConfig
from emoflow.models.ar_iigcn.losses import hybrid_loss, iccl_loss, imcl_loss
from emoflow.models.ar_iigcn.tri_modal_gan import TriModalGAN
from emoflow.models.base import DataSpec, DialogueModel, ModelOutput, masked_cross_entropy, modality_masks
from emoflow.models.graph_data import IGNORE_INDEX
from emoflow.models.layers.edges import dialogue_edges, num_relations
from emoflow.models.layers.relational_conv import RelationalConv
from emoflow.models.registry import register


class EdgeAttention(nn.Module):
    """Eqs. 8-9: ``eps_ij = W1 GELU(W2 [x_i ; x_j])``, softmax over the incoming edges of each node ``i``."""

    def __init__(self, dim: int, hidden: int) -> None:
        super().__init__()
        self.score = nn.Sequential(nn.Linear(2 * dim, hidden), nn.GELU(), nn.Linear(hidden, 1))

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
        """Edge weights ``[E]`` in (0, 1], summing to 1 over each target's neighbours (itself included)."""
        source, target = edge_index
        scores = self.score(torch.cat([x[target], x[source]], dim=-1)).squeeze(-1)
        return softmax(scores.float(), target, num_nodes=x.size(0)).to(x.dtype)


@register
class ARIIGCN(DialogueModel):
    """MLP projections (GAN-shaped), attention-weighted speaker graphs per modality, contrastive + CE loss."""

    name = "ar_iigcn"
    Config = ARIIGCNConfig

    def __init__(self, spec: DataSpec, config: ARIIGCNConfig) -> None:
        super().__init__(spec, config)
        d = config.hidden
        self.project = nn.ModuleDict(
            {m: nn.Sequential(nn.Linear(dim, d), nn.ReLU(), nn.Linear(d, d)) for m, dim in spec.dims.items()}
        )  # Eq. 1
        self.gan = TriModalGAN(self.modalities, d, config.gan_hidden)
        self.attention = nn.ModuleDict({m: EdgeAttention(d, config.edge_hidden) for m in spec.dims})
        relations = num_relations("speaker_direction")
        self.graphs = nn.ModuleList(
            nn.ModuleList(RelationalConv(d, d, relations) for _ in range(config.graph_layers)) for _ in spec.dims
        )
        self.dropout = nn.Dropout(config.dropout)
        hidden = config.classifier_hidden
        self.classifier = nn.Sequential(
            nn.Linear(2 * d * len(spec.dims), hidden),
            nn.ReLU(),
            nn.Dropout(config.dropout),
            nn.Linear(hidden, hidden),
            nn.ReLU(),
            nn.Dropout(config.dropout),
            nn.Linear(hidden, spec.num_classes),
        )

    def _projections(self, batch: Batch) -> dict[str, torch.Tensor]:
        """Eq. 1 per modality; rows of missing features are exact zeros."""
        return {m: self.project[m](batch[f"x_{m}"]) * batch[f"mask_{m}"].unsqueeze(-1) for m in self.modalities}

    def pretrain(
        self, loader: Iterable[Batch], device: torch.device, *, progress: bool = False
    ) -> list[dict[str, float]]:
        """Algorithm 1, lines 3-11: train the GAN (and through its generators, the projections) on its own."""
        if not self.gan.active or self.config.gan_epochs < 1:
            return []
        generator_side = [*self.gan.generators.parameters(), *self.project.parameters()]
        generator_optimizer = torch.optim.Adam(generator_side, lr=self.config.gan_lr)
        discriminator_optimizer = torch.optim.Adam(self.gan.discriminators.parameters(), lr=self.config.gan_lr)
        history = []
        self.train()
        for epoch in tqdm(range(1, self.config.gan_epochs + 1), desc="GAN phase", unit="epoch", disable=not progress):
            started = time.perf_counter()
            totals, batches = [0.0, 0.0], 0
            for batch in loader:
                batch = self.standardize(batch.to(device))
                masks = modality_masks(batch, self.modalities)
                d_loss = self.gan.discriminator_loss(self._projections(batch), masks)
                discriminator_optimizer.zero_grad(set_to_none=True)
                d_loss.backward()
                discriminator_optimizer.step()
                g_loss = self.gan.generator_loss(self._projections(batch), masks)
                generator_optimizer.zero_grad(set_to_none=True)
                g_loss.backward()
                generator_optimizer.step()
                totals, batches = [totals[0] + float(d_loss.detach()), totals[1] + float(g_loss.detach())], batches + 1
            n = max(batches, 1)
            history.append(
                {
                    "epoch": epoch,
                    "discriminator_loss": totals[0] / n,
                    "generator_loss": totals[1] / n,
                    "seconds": time.perf_counter() - started,
                }
            )
        self.zero_grad(set_to_none=True)
        return history

    def forward(self, batch: Batch) -> ModelOutput:
        """Logits ``[N, C]``; each modality's graph embeddings go to the contrastive losses."""
        masks = modality_masks(batch, self.modalities)
        projected = self._projections(batch)
        edges = dialogue_edges(
            batch.position, batch.speaker, batch.batch, past=self.config.window, future=self.config.window
        )
        embeddings = {}
        for m, layers in zip(self.modalities, self.graphs, strict=True):
            usable = masks[m][edges.edge_index[0]]  # no messages from utterances missing this modality
            edge_index, edge_type = edges.edge_index[:, usable], edges.edge_type[usable]
            weight = self.attention[m](projected[m], edge_index)  # Eqs. 8-9, from the projections
            x = projected[m]
            for layer in layers.children():
                x = self.dropout(nn.functional.gelu(layer(x, edge_index, edge_type, weight)))  # Eq. 10
            embeddings[m] = x
        fused = [torch.cat([projected[m], embeddings[m]], dim=-1) for m in self.modalities]  # z^f
        logits = self.classifier(torch.cat(fused, dim=-1))  # Eq. 15
        auxiliary = {f"embedding_{m}": x for m, x in embeddings.items()} | {f"mask_{m}": masks[m] for m in masks}
        return ModelOutput(logits, auxiliary=auxiliary)

    def loss(self, output: ModelOutput, y: torch.Tensor, class_weight: torch.Tensor | None = None) -> torch.Tensor:
        """Eq. 17: cross-entropy plus ``lambda IMCL + (1 - lambda) ICCL`` over the labelled nodes."""
        total = masked_cross_entropy(output.logits, y, output.loss_mask, class_weight)
        if not self.config.contrastive:
            return total
        labelled = y != IGNORE_INDEX
        embeddings = {m: output.auxiliary[f"embedding_{m}"][labelled] for m in self.modalities}
        masks = {m: output.auxiliary[f"mask_{m}"][labelled] for m in self.modalities}
        labels = y[labelled]
        iccl = sum((iccl_loss(embeddings[m][masks[m]], labels[masks[m]]) for m in self.modalities), total * 0.0)
        iccl = iccl / len(self.modalities)
        imcl = imcl_loss(embeddings, masks, labels, self.config.beta)
        return total + hybrid_loss(iccl, imcl, self.config.lam)
