#!/usr/bin/env python3
"""A PyTorch reference of MAE linear probing, for training parity with mae4j's LinearProbe.

usage: linprobe_reference.py SPEC.json ENCODER.pth PROBE.pth DATA.pth OUT.pth

Written from the MAE paper (He et al. 2021, Appendix A.2) and LARS (You et al. 2017), not from mae4j: the frozen
encoder (finetune_reference.VisionTransformer, its head unused) gives each step's features from that step's images
(no gradient; the cls token after the final norm, or fc_norm of the patch-token mean with global_pool); the probe is
head.0 = BatchNorm1d without affine parameters (eps 1e-6; absent when head_batch_norm is false) then head.1 = a
linear layer, trained in train mode (batch statistics, running statistics updated) with plain cross-entropy and LARS:

    for a parameter p that is not 1-D:  g ← g + wd·p;  q ← η·‖p‖/‖g‖ (1 when either norm is 0);  g ← q·g
    μ ← m·μ + g;  p ← p − lr·μ          (1-D parameters: neither weight decay nor trust ratio)

The learning rate is set every step from the linear warmup + half-cycle cosine at step / steps per epoch + epoch;
no gradient accumulation (each batch is one effective batch).

Data order: epoch e takes torch.randperm(N, generator=torch.Generator().manual_seed(order_seeds[e])) and batch s is
rows [s·B, (s+1)·B) of it (the last partial batch is dropped).

SPEC.json: {"model": {as finetune_reference}, "num_classes", "global_pool", "head_batch_norm", "epochs",
"warmup_epochs", "lr", "min_lr", "batch_size", "weight_decay", "momentum", "trust_coefficient",
"order_seeds": [one per epoch]}.
ENCODER.pth: {"model": state dict} (the official pretrained layout) or a bare state dict; a head, if any, is unused.
PROBE.pth: the probe's initial state dict (head.*, with the BatchNorm's running statistics).
DATA.pth: {"images": [N, C, H, W] float32, "labels": [N] int64}.
OUT.pth: torch.save of a plain dict of the probe's final state (parameters and BatchNorm buffers). Stdout: JSON
{"losses": [per step], "lrs": [per step]}.
"""
import json
import sys

import torch
from torch import nn
import torch.nn.functional as F

from finetune_reference import VisionTransformer, epoch_order, load_state, scheduled_lr


class Lars(torch.optim.Optimizer):
    """LARS with decoupled-from-1-D weight decay and trust ratio, momentum on the scaled update."""

    def __init__(self, params, lr=0.0, weight_decay=0.0, momentum=0.9, trust_coefficient=0.001):
        super().__init__(params, dict(lr=lr, weight_decay=weight_decay, momentum=momentum,
                                      trust_coefficient=trust_coefficient))

    @torch.no_grad()
    def step(self):
        for g in self.param_groups:
            for p in g["params"]:
                dp = p.grad
                if dp is None:
                    continue
                if p.ndim > 1:
                    dp = dp.add(p, alpha=g["weight_decay"])
                    param_norm = torch.norm(p)
                    update_norm = torch.norm(dp)
                    one = torch.ones_like(param_norm)
                    q = torch.where(param_norm > 0.0,
                                    torch.where(update_norm > 0.0,
                                                g["trust_coefficient"] * param_norm / update_norm, one), one)
                    dp = dp.mul(q)
                state = self.state[p]
                if "mu" not in state:
                    state["mu"] = torch.zeros_like(p)
                mu = state["mu"]
                mu.mul_(g["momentum"]).add_(dp)
                p.add_(mu, alpha=-g["lr"])


class Probe(nn.Module):
    def __init__(self, dim, num_classes, batch_norm):
        super().__init__()
        layers = [nn.BatchNorm1d(dim, affine=False, eps=1e-6)] if batch_norm else []
        self.head = nn.Sequential(*layers, nn.Linear(dim, num_classes))

    def forward(self, features):
        return self.head(features)


def main(spec_path, encoder_path, probe_path, data_path, out_path):
    torch.set_num_threads(1)
    with open(spec_path) as f:
        spec = json.load(f)
    encoder = VisionTransformer(spec["model"], spec["num_classes"], spec["global_pool"])
    missing, unexpected = encoder.load_state_dict(load_state(encoder_path), strict=False)
    if unexpected or any(not k.startswith("head.") for k in missing):
        raise SystemExit(f"encoder checkpoint: missing {missing}, unexpected {unexpected}")
    encoder.requires_grad_(False)
    encoder.eval()
    probe = Probe(spec["model"]["embed_dim"], spec["num_classes"], spec["head_batch_norm"])
    probe.load_state_dict(load_state(probe_path), strict=True)
    data = torch.load(data_path)
    images, labels = data["images"], data["labels"]
    opt = Lars(probe.parameters(), weight_decay=spec["weight_decay"], momentum=spec["momentum"],
               trust_coefficient=spec["trust_coefficient"])
    bs = spec["batch_size"]
    steps = images.shape[0] // bs
    losses, lrs = [], []
    probe.train(True)
    for epoch in range(spec["epochs"]):
        perm = epoch_order(images.shape[0], spec["order_seeds"][epoch])
        for s in range(steps):
            lr = scheduled_lr(spec, s / steps + epoch)
            for g in opt.param_groups:
                g["lr"] = lr
            idx = perm[s * bs:(s + 1) * bs]
            with torch.no_grad():
                features = encoder.forward_features(images[idx])
            loss = F.cross_entropy(probe(features), labels[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
            lrs.append(lr)
    torch.save({k: v.detach().clone() for k, v in probe.state_dict().items()}, out_path)
    json.dump({"losses": losses, "lrs": lrs}, sys.stdout)


if __name__ == "__main__":
    if len(sys.argv) != 6:
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
