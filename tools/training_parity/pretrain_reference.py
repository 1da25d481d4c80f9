"""PyTorch reference of MAE pre-training, step by step, for mae4j's training-parity test (PretrainParityTest).

Usage: pretrain_reference.py SPEC.json INPUT.pth OUTPUT.pth

INPUT.pth (written by mae4j): {"model": the initial state dict in the official MAE layout,
                               "images": float32 [steps, B, C, H, W], the batches in the order they are trained}.
SPEC.json: the model's sizes and the plan (see PretrainParityTest.spec). The masks come from
torch.Generator().manual_seed(spec["seed"]).rand(B, L) per batch, the draw mae4j's trainer makes.

The loop is written from the paper and the reference recipe (He et al. 2021, §A.1; the official
main_pretrain.py/engine_pretrain.py schedule), not copied: lr set per iteration from the fractional epoch
(linear warmup, then half-cosine to min_lr) at the start of each accumulation window, loss divided by the
accumulation steps, torch.optim.AdamW(betas=(β1, β2), eps) over a decay and a no-decay group, grads zeroed
after each update. Attention is written out as timm 0.4.9 does. No-decay group: 1-D parameters, biases and the
cls/mask tokens (mae4j follows timm's no_weight_decay() for the tokens; the official script decays them).

Prints JSON on stdout: {"losses": [...], "lrs": [...]}; writes the final state dict to OUTPUT.pth.
"""
import json
import sys

import torch
from torch import nn

from vit_layers import Block, PatchEmbed, warmup_cosine


class Mae(nn.Module):
    def __init__(self, s):
        super().__init__()
        self.patch, self.chans = s["patchSize"], s["inChannels"]
        self.num_patches = (s["imageSize"] // self.patch) ** 2
        dim, ddim = s["embedDim"], s["decoderEmbedDim"]
        self.patch_embed = PatchEmbed(self.chans, dim, self.patch)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, self.num_patches + 1, dim), requires_grad=False)
        self.blocks = nn.ModuleList([Block(dim, s["numHeads"], int(dim * s["mlpRatio"]), 1e-6) for _ in range(s["depth"])])
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.decoder_embed = nn.Linear(dim, ddim)
        self.mask_token = nn.Parameter(torch.zeros(1, 1, ddim))
        self.decoder_pos_embed = nn.Parameter(torch.zeros(1, self.num_patches + 1, ddim), requires_grad=False)
        self.decoder_blocks = nn.ModuleList(
            [Block(ddim, s["decoderNumHeads"], int(ddim * s["decoderMlpRatio"]), 1e-6) for _ in range(s["decoderDepth"])])
        self.decoder_norm = nn.LayerNorm(ddim, eps=1e-6)
        self.decoder_pred = nn.Linear(ddim, self.patch * self.patch * self.chans)
        self.mask_ratio = s["maskRatio"]
        self.norm_pix_loss = s["normPixLoss"]

    def patchify(self, imgs):
        n, c, h, w = imgs.shape
        p = self.patch
        x = imgs.reshape(n, c, h // p, p, w // p, p)
        return torch.einsum("nchpwq->nhwpqc", x).reshape(n, (h // p) * (w // p), p * p * c)

    def forward(self, imgs, noise):
        # encoder: embed, add positions, keep the lowest-noise patches, prepend cls
        x = self.patch_embed(imgs) + self.pos_embed[:, 1:, :]
        n, l, d = x.shape
        keep = int(l * (1 - self.mask_ratio))
        ids_shuffle = torch.argsort(noise, dim=1)
        ids_restore = torch.argsort(ids_shuffle, dim=1)
        x = torch.gather(x, 1, ids_shuffle[:, :keep].unsqueeze(-1).expand(-1, -1, d))
        mask = torch.ones(n, l)
        mask[:, :keep] = 0
        mask = torch.gather(mask, 1, ids_restore)
        cls = (self.cls_token + self.pos_embed[:, :1, :]).expand(n, -1, -1)
        x = torch.cat([cls, x], dim=1)
        for b in self.blocks:
            x = b(x)
        # decoder: mask tokens restored to their places, positions, blocks, per-patch pixels
        x = self.decoder_embed(self.norm(x))
        dd = x.shape[2]
        restored = torch.cat([x[:, 1:, :], self.mask_token.expand(n, l - keep, -1)], dim=1)
        restored = torch.gather(restored, 1, ids_restore.unsqueeze(-1).expand(-1, -1, dd))
        x = torch.cat([x[:, :1, :], restored], dim=1) + self.decoder_pos_embed
        for b in self.decoder_blocks:
            x = b(x)
        pred = self.decoder_pred(self.decoder_norm(x))[:, 1:, :]
        # loss: MSE on the masked patches, of per-patch normalized pixels when asked
        target = self.patchify(imgs)
        if self.norm_pix_loss:
            target = (target - target.mean(-1, keepdim=True)) / (target.var(-1, keepdim=True) + 1e-6) ** 0.5
        return (((pred - target) ** 2).mean(-1) * mask).sum() / mask.sum()


def lr_at(epoch, s):
    return warmup_cosine(s["lr"], s["minLr"], s["warmupEpochs"], s["epochs"], epoch)


def main(spec_path, input_path, output_path):
    with open(spec_path) as f:
        s = json.load(f)
    torch.set_num_threads(1)
    data = torch.load(input_path, weights_only=True)
    model = Mae(s)
    model.load_state_dict(data["model"], strict=True)
    model.train()
    images = data["images"]
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        if not p.requires_grad:
            continue
        exempt = p.ndim == 1 or name.endswith(".bias") or name in ("cls_token", "mask_token")
        (no_decay if exempt else decay).append(p)
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": s["weightDecay"]},
                             {"params": no_decay, "weight_decay": 0.0}],
                            lr=s["lr"], betas=(s["beta1"], s["beta2"]), eps=s["eps"])
    gen = torch.Generator().manual_seed(s["seed"])
    per_epoch, accum = s["batchesPerEpoch"], s["accumulationSteps"]
    losses, lrs = [], []
    opt.zero_grad()
    for step in range(images.shape[0]):
        epoch, i = divmod(step, per_epoch)
        if i % accum == 0:
            lr = lr_at(epoch + i / per_epoch, s)
            for g in opt.param_groups:
                g["lr"] = lr
        batch = images[step]
        noise = torch.rand(batch.shape[0], model.num_patches, generator=gen)
        loss = model(batch, noise)
        losses.append(loss.item())
        lrs.append(lr)
        (loss / accum).backward()
        if (i + 1) % accum == 0:
            opt.step()
            opt.zero_grad()
    torch.save({k: v.detach().clone() for k, v in model.state_dict().items()}, output_path)
    print(json.dumps({"losses": losses, "lrs": lrs}))


if __name__ == "__main__":
    main(*sys.argv[1:4])
