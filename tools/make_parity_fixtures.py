#!/usr/bin/env python3
"""Parity fixtures for mae-torch-binding's MaskedAutoencoder.

Regenerate (one command, from the repository root):

    python3 tools/make_parity_fixtures.py     # Debian python3 with python3-torch (/usr/bin/python3)

Needs only python3-torch (Debian's 1.13 is enough) and numpy. Writes, for each tiny configuration below,
mae-torch-binding/src/test/resources/parity/<name>/:

  config.json         the MaeConfig values and seeds
  weights.safetensors the model's state_dict (reference parameter names), F32
  io.safetensors      images, noise, expected loss, pred, mask, ids_restore, gradients of a few parameters
                      (grad.<name>), and generator_rand = torch.Generator().manual_seed(noise_seed).rand(N, L)

The model is this script's own PyTorch re-implementation of the facts of the reference MAE
(facebookresearch/mae models_mae.py and util/pos_embed.py: pre-norm ViT blocks with qkv bias, exact GELU,
fixed 2D sin-cos position embeddings with a zero cls row, random masking by argsort of noise, per-patch
normalized MSE over removed patches). Attention is written out (softmax(q k^T / sqrt(d)) v) because torch 1.13
has no scaled_dot_product_attention. Safetensors files are written by hand with struct + json (the
safetensors package is not installed): 8-byte little-endian header length, JSON header, raw little-endian data.
"""
import json
import math
import os
import struct

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "mae-torch-binding", "src", "test",
                    "resources", "parity")

CONFIGS = {
    # A: RGB, normalized pixel targets
    "a_rgb_normpix": dict(image_size=16, patch_size=4, in_chans=3, embed_dim=32, depth=2, num_heads=4,
                          dec_embed_dim=16, dec_depth=1, dec_num_heads=2, mask_ratio=0.75, norm_pix_loss=True,
                          batch=2, weight_seed=1, data_seed=2, noise_seed=3),
    # B: one channel, raw pixel targets
    "b_gray_rawpix": dict(image_size=16, patch_size=4, in_chans=1, embed_dim=32, depth=2, num_heads=4,
                          dec_embed_dim=16, dec_depth=1, dec_num_heads=2, mask_ratio=0.75, norm_pix_loss=False,
                          batch=3, weight_seed=4, data_seed=5, noise_seed=6),
    # C: odd 5x5 grid, mask ratio 0.6, two channels
    "c_odd_grid": dict(image_size=20, patch_size=4, in_chans=2, embed_dim=24, depth=1, num_heads=3,
                       dec_embed_dim=20, dec_depth=2, dec_num_heads=5, mask_ratio=0.6, norm_pix_loss=True,
                       batch=2, weight_seed=7, data_seed=8, noise_seed=9),
}
GRAD_NAMES = ["patch_embed.proj.weight", "blocks.0.attn.qkv.weight", "decoder_pred.weight", "mask_token",
              "cls_token"]
EPS = 1e-6


def sincos_1d(dim, pos):
    omega = np.arange(dim // 2, dtype=np.float64)
    omega /= dim / 2.0
    omega = 1.0 / 10000 ** omega
    out = np.einsum("m,d->md", pos.reshape(-1), omega)
    return np.concatenate([np.sin(out), np.cos(out)], axis=1)


def sincos_2d(dim, grid_size):
    gh = np.arange(grid_size, dtype=np.float32)
    gw = np.arange(grid_size, dtype=np.float32)
    grid = np.stack(np.meshgrid(gw, gh), axis=0).reshape([2, 1, grid_size, grid_size])
    emb = np.concatenate([sincos_1d(dim // 2, grid[0]), sincos_1d(dim // 2, grid[1])], axis=1)
    return np.concatenate([np.zeros([1, dim]), emb], axis=0)


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, dim * 3, bias=True)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, n, c = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = ((q @ k.transpose(-2, -1)) * (c // self.heads) ** -0.5).softmax(dim=-1)
        return self.proj((attn @ v).transpose(1, 2).reshape(b, n, c))


class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x)))


class Block(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=EPS)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=EPS)
        self.mlp = Mlp(dim, 4 * dim)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class PatchEmbed(nn.Module):
    def __init__(self, c, d, p):
        super().__init__()
        self.proj = nn.Conv2d(c, d, kernel_size=p, stride=p)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)


class Mae(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d, dd, p, c = cfg["embed_dim"], cfg["dec_embed_dim"], cfg["patch_size"], cfg["in_chans"]
        self.p, self.c = p, c
        # image_size: an int (square) or [height, width] (a non-square model, as HF's config.json writes it)
        size = cfg["image_size"]
        self.gh, self.gw = (size // p, size // p) if isinstance(size, int) else (size[0] // p, size[1] // p)
        self.g = self.gh
        self.mask_ratio = cfg["mask_ratio"]
        self.norm_pix_loss = cfg["norm_pix_loss"]
        L = self.gh * self.gw
        self.patch_embed = PatchEmbed(c, d, p)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, d))
        self.pos_embed = nn.Parameter(torch.zeros(1, L + 1, d), requires_grad=False)
        self.blocks = nn.ModuleList([Block(d, cfg["num_heads"]) for _ in range(cfg["depth"])])
        self.norm = nn.LayerNorm(d, eps=EPS)
        self.decoder_embed = nn.Linear(d, dd)
        self.mask_token = nn.Parameter(torch.zeros(1, 1, dd))
        self.decoder_pos_embed = nn.Parameter(torch.zeros(1, L + 1, dd), requires_grad=False)
        self.decoder_blocks = nn.ModuleList([Block(dd, cfg["dec_num_heads"]) for _ in range(cfg["dec_depth"])])
        self.decoder_norm = nn.LayerNorm(dd, eps=EPS)
        self.decoder_pred = nn.Linear(dd, p * p * c)
        if self.gh == self.gw:  # a non-square model's tables are loaded (only checks build one here)
            self.pos_embed.data.copy_(torch.from_numpy(sincos_2d(d, self.g)).float().unsqueeze(0))
            self.decoder_pos_embed.data.copy_(torch.from_numpy(sincos_2d(dd, self.g)).float().unsqueeze(0))
        w = self.patch_embed.proj.weight.data
        nn.init.xavier_uniform_(w.view([w.shape[0], -1]))
        nn.init.normal_(self.cls_token, std=0.02)
        nn.init.normal_(self.mask_token, std=0.02)
        self.apply(self._init)

    @staticmethod
    def _init(m):
        if isinstance(m, nn.Linear):
            nn.init.xavier_uniform_(m.weight)
            nn.init.constant_(m.bias, 0)
        elif isinstance(m, nn.LayerNorm):
            nn.init.constant_(m.bias, 0)
            nn.init.constant_(m.weight, 1.0)

    def patchify(self, imgs):
        p, c, n = self.p, self.c, imgs.shape[0]
        h, w = imgs.shape[2] // p, imgs.shape[3] // p
        x = imgs.reshape(n, c, h, p, w, p)
        x = torch.einsum("nchpwq->nhwpqc", x)
        return x.reshape(n, h * w, p * p * c)

    def forward(self, imgs, noise):
        x = self.patch_embed(imgs) + self.pos_embed[:, 1:, :]
        n, L, d = x.shape
        keep = int(L * (1 - self.mask_ratio))
        ids_shuffle = torch.argsort(noise, dim=1)
        ids_restore = torch.argsort(ids_shuffle, dim=1)
        x = torch.gather(x, 1, ids_shuffle[:, :keep].unsqueeze(-1).repeat(1, 1, d))
        mask = torch.ones([n, L])
        mask[:, :keep] = 0
        mask = torch.gather(mask, 1, ids_restore)
        cls = (self.cls_token + self.pos_embed[:, :1, :]).expand(n, -1, -1)
        x = torch.cat((cls, x), dim=1)
        for b in self.blocks:
            x = b(x)
        x = self.decoder_embed(self.norm(x))
        tokens = self.mask_token.repeat(n, L + 1 - x.shape[1], 1)
        x_ = torch.cat([x[:, 1:, :], tokens], dim=1)
        x_ = torch.gather(x_, 1, ids_restore.unsqueeze(-1).repeat(1, 1, x.shape[2]))
        x = torch.cat([x[:, :1, :], x_], dim=1) + self.decoder_pos_embed
        for b in self.decoder_blocks:
            x = b(x)
        pred = self.decoder_pred(self.decoder_norm(x))[:, 1:, :]
        target = self.patchify(imgs)
        if self.norm_pix_loss:
            mean = target.mean(dim=-1, keepdim=True)
            var = target.var(dim=-1, keepdim=True)
            target = (target - mean) / (var + 1.0e-6) ** 0.5
        loss = ((pred - target) ** 2).mean(dim=-1)
        loss = (loss * mask).sum() / mask.sum()
        return loss, pred, mask, ids_restore


DTYPES = {torch.float32: "F32", torch.int64: "I64"}


def write_safetensors(path, tensors, metadata=None):
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        t = t.detach().contiguous()
        data = t.numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def make(name, cfg):
    out = os.path.join(ROOT, name)
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(cfg["weight_seed"])
    model = Mae(cfg)
    g = torch.Generator().manual_seed(cfg["data_seed"])
    n, c, s = cfg["batch"], cfg["in_chans"], cfg["image_size"]
    images = torch.rand(n, c, s, s, generator=g) * 2 - 1
    L = (s // cfg["patch_size"]) ** 2
    noise = torch.Generator().manual_seed(cfg["noise_seed"])
    noise = torch.rand(n, L, generator=noise)
    loss, pred, mask, ids_restore = model(images, noise)
    loss.backward()
    params = dict(model.named_parameters())
    io = {"images": images, "noise": noise, "generator_rand": noise.clone(), "loss": loss.detach().reshape(()),
          "pred": pred, "mask": mask, "ids_restore": ids_restore}
    for gname in GRAD_NAMES:
        io["grad." + gname] = params[gname].grad
    write_safetensors(os.path.join(out, "weights.safetensors"), model.state_dict(), {"format": "pt"})
    write_safetensors(os.path.join(out, "io.safetensors"), io)
    config = {"imageSize": s, "patchSize": cfg["patch_size"], "inChannels": c,
              "encoder": {"embedDim": cfg["embed_dim"], "depth": cfg["depth"], "numHeads": cfg["num_heads"]},
              "decoder": {"embedDim": cfg["dec_embed_dim"], "depth": cfg["dec_depth"],
                          "numHeads": cfg["dec_num_heads"]},
              "maskRatio": cfg["mask_ratio"], "normPixLoss": cfg["norm_pix_loss"], "noiseSeed": cfg["noise_seed"],
              "torchVersion": torch.__version__}
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
        f.write("\n")
    print(f"{name}: loss {loss.item():.6f}, L={L}, keep={int(L * (1 - cfg['mask_ratio']))}")


if __name__ == "__main__":
    torch.set_num_threads(1)
    for k, v in CONFIGS.items():
        make(k, v)
