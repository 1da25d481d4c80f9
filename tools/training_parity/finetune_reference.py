#!/usr/bin/env python3
"""A PyTorch reference of MAE end-to-end fine-tuning, for training parity with mae4j's Finetuner.

usage: finetune_reference.py SPEC.json INIT.pth DATA.pth OUT.pth

Written from the MAE paper (He et al. 2021, Appendix A.3) and the documented algorithms, not from mae4j: a ViT with
the official parameter names (patch_embed.proj, cls_token, pos_embed, blocks.i.{norm1, attn.qkv, attn.proj, norm2,
mlp.fc1, mlp.fc2}, fc_norm or norm, head), attention written out as softmax(q·kᵀ/√d)·v; torch.optim.AdamW over
layer-wise lr-decay groups (BEiT/MAE: layer i of depth d trains at lr · decay^(d+1−i), with patch embedding,
cls token and pos_embed in layer 0, block j in layer j+1, the rest in layer d+1; 1-D tensors, pos_embed and
cls_token take no weight decay); the learning rate set per update from a linear warmup and a half-cycle cosine at
fractional epoch (step / steps per epoch + epoch); label-smoothing cross-entropy (1−ε)·NLL + ε·mean_c(−log p_c);
gradient accumulation (loss / accum, an optimizer step every accum batches). Drop path, mixup, cutmix, random
erasing and crops are off: the run is deterministic given the order.

Data order: epoch e takes torch.randperm(N, generator=torch.Generator().manual_seed(order_seeds[e])) and batch s is
rows [s·B, (s+1)·B) of it (the last partial batch is dropped).

SPEC.json: {"model": {"image_size", "patch_size", "in_chans", "embed_dim", "depth", "num_heads", "mlp_hidden",
"ln_eps"}, "num_classes", "global_pool", "epochs", "warmup_epochs", "lr", "min_lr", "batch_size", "accum_iter",
"betas": [b1, b2], "eps", "weight_decay", "layer_decay", "smoothing", "order_seeds": [one per epoch]}.
INIT.pth: {"model": state dict} (the official checkpoint layout) or a bare state dict: the initial weights.
DATA.pth: {"images": [N, C, H, W] float32 (already normalized), "labels": [N] int64}.
OUT.pth: torch.save of a plain dict of the final weights. Stdout: JSON {"losses": [per batch, before the division
by accum_iter], "lrs": [the scheduled lr in force at each batch]}.
"""
import json
import sys

import torch
from torch import nn
import torch.nn.functional as F

from vit_layers import Block, PatchEmbed, warmup_cosine


class VisionTransformer(nn.Module):
    """The fine-tuning ViT: global_pool → mean of patch tokens then fc_norm; else norm then the cls token."""

    def __init__(self, m, num_classes, global_pool):
        super().__init__()
        dim = m["embed_dim"]
        num_patches = (m["image_size"] // m["patch_size"]) ** 2
        self.patch_embed = PatchEmbed(m["in_chans"], dim, m["patch_size"])
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, num_patches + 1, dim))
        self.blocks = nn.ModuleList(
            [Block(dim, m["num_heads"], m["mlp_hidden"], m["ln_eps"]) for _ in range(m["depth"])])
        self.global_pool = global_pool
        if global_pool:
            self.fc_norm = nn.LayerNorm(dim, eps=m["ln_eps"])
        else:
            self.norm = nn.LayerNorm(dim, eps=m["ln_eps"])
        self.head = nn.Linear(dim, num_classes)

    def forward_features(self, images):
        x = self.patch_embed(images)
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], dim=1) + self.pos_embed
        for b in self.blocks:
            x = b(x)
        if self.global_pool:
            return self.fc_norm(x[:, 1:, :].mean(dim=1))
        return self.norm(x)[:, 0]

    def forward(self, images):
        return self.head(self.forward_features(images))


def layer_id(name, depth):
    if name in ("cls_token", "pos_embed") or name.startswith("patch_embed"):
        return 0
    if name.startswith("blocks."):
        return int(name.split(".")[1]) + 1
    return depth + 1


def param_groups_lrd(model, weight_decay, layer_decay, depth):
    """One group per (layer, decay or not): weight_decay and lr_scale = layer_decay^(depth + 1 − layer)."""
    groups = {}
    for name, p in model.named_parameters():
        if not p.requires_grad:
            continue
        no_decay = p.ndim == 1 or name in ("pos_embed", "cls_token")
        lid = layer_id(name, depth)
        key = (lid, no_decay)
        if key not in groups:
            groups[key] = {"params": [], "weight_decay": 0.0 if no_decay else weight_decay,
                           "lr_scale": layer_decay ** (depth + 1 - lid)}
        groups[key]["params"].append(p)
    return list(groups.values())


def scheduled_lr(spec, epoch):
    """Linear warmup from 0, then half-cycle cosine to min_lr, at fractional epoch."""
    return warmup_cosine(spec["lr"], spec["min_lr"], spec["warmup_epochs"], spec["epochs"], epoch)


def label_smoothing_cross_entropy(logits, labels, smoothing):
    logp = F.log_softmax(logits, dim=-1)
    nll = -logp.gather(1, labels.unsqueeze(1)).squeeze(1)
    return ((1.0 - smoothing) * nll - smoothing * logp.mean(dim=-1)).mean()


def epoch_order(n, seed):
    return torch.randperm(n, generator=torch.Generator().manual_seed(seed))


def load_state(path):
    obj = torch.load(path, map_location="cpu")
    return obj["model"] if "model" in obj else obj


def main(spec_path, init_path, data_path, out_path):
    torch.set_num_threads(1)
    with open(spec_path) as f:
        spec = json.load(f)
    model = VisionTransformer(spec["model"], spec["num_classes"], spec["global_pool"])
    model.load_state_dict(load_state(init_path), strict=True)
    data = torch.load(data_path)
    images, labels = data["images"], data["labels"]
    groups = param_groups_lrd(model, spec["weight_decay"], spec["layer_decay"], spec["model"]["depth"])
    opt = torch.optim.AdamW(groups, lr=0.0, betas=tuple(spec["betas"]), eps=spec["eps"])
    bs, accum = spec["batch_size"], spec["accum_iter"]
    steps = images.shape[0] // bs
    if steps % accum:
        raise SystemExit(f"{steps} batches per epoch is not a multiple of accum_iter {accum}")
    losses, lrs = [], []
    model.train(True)
    lr = 0.0
    for epoch in range(spec["epochs"]):
        perm = epoch_order(images.shape[0], spec["order_seeds"][epoch])
        opt.zero_grad()
        for s in range(steps):
            if s % accum == 0:
                lr = scheduled_lr(spec, s / steps + epoch)
                for g in opt.param_groups:
                    g["lr"] = lr * g["lr_scale"]
            idx = perm[s * bs:(s + 1) * bs]
            loss = label_smoothing_cross_entropy(model(images[idx]), labels[idx], spec["smoothing"])
            losses.append(loss.item())
            lrs.append(lr)
            (loss / accum).backward()
            if (s + 1) % accum == 0:
                opt.step()
                opt.zero_grad()
    torch.save({k: v.detach().clone() for k, v in model.state_dict().items()}, out_path)
    json.dump({"losses": losses, "lrs": lrs}, sys.stdout)


if __name__ == "__main__":
    if len(sys.argv) != 5:
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
