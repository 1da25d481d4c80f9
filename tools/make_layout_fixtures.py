#!/usr/bin/env python3
"""Weights of one tiny MAE in the three layouts users hold them in, with inputs and forward outputs.

Regenerate (from the repository root, Debian python3 with python3-torch 1.13; no transformers/timm needed):

    /usr/bin/python3 tools/make_layout_fixtures.py

Check files mae4j wrote (used by mae4j's tests; exit 0 when every file loads strictly and computes the stored
outputs to 1e-5):

    /usr/bin/python3 tools/make_layout_fixtures.py --check official=FILE.pth hf=DIR timm=FILE.safetensors

Check files mae4j wrote for a non-square model (image_size [H, W] in the HF config.json, which gives every
layout's network; any channel count), against the inputs and outputs mae4j computed (io.safetensors: images,
noise, official.pred, timm.tokens), exit 0 when each loads strictly into this script's modules and computes them
to 1e-5:

    /usr/bin/python3 tools/make_layout_fixtures.py --check-model io=IO.safetensors hf=DIR official=FILE.pth \
        timm=FILE.safetensors

Writes mae-torch-binding/src/test/resources/layouts/:

  official/mae_full.pth         facebookresearch/mae models_mae.py names ({'model': state_dict}), LayerNorm eps 1e-6
  hf/config.json, hf/model.safetensors
                                Hugging Face ViTMAEForPreTraining: vit.embeddings.{cls_token,position_embeddings,
                                patch_embeddings.projection}, vit.encoder.layer.N.attention.attention.{query,key,
                                value}, attention.output.dense, intermediate.dense, output.dense,
                                layernorm_before/after, vit.layernorm, decoder.{decoder_embed,mask_token,
                                decoder_pos_embed,decoder_layers.N.*,decoder_norm,decoder_pred};
                                layer_norm_eps 1e-12 (HF's default, as in facebook/vit-mae-*'s config.json)
  timm/model.safetensors        timm VisionTransformer (class token, pos_embed with its cls slot, a 5-class head)
  timm_no_embed_class/model.safetensors
                                timm with no_embed_class=True: pos_embed [1, L, D] without a cls slot
  io.safetensors                images [2,3,16,16], images24 [2,3,24,24], noise [2,16] and the outputs:
                                official.{loss,pred,mask}, hf.{loss,logits,mask} (eps 1e-12), timm.{tokens,logits},
                                timm_nec.tokens, timm.tokens24 (pos_embed resized bicubically to 6x6,
                                align_corners=False, no antialias, as the official interpolate_pos_embed)

All layouts hold the same numbers: the HF and timm modules are filled from the official model (q, k, v are the
three row blocks of qkv), so a conversion in Java can be compared tensor by tensor with these files. The modules
below are written here from the layouts' published structure (module tree, parameter names, shapes, forward), not
imported: nothing is downloaded.
"""
import json
import os
import struct
import sys
from collections import OrderedDict

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_parity_fixtures as official  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "mae-torch-binding", "src", "test",
                    "resources", "layouts")
CFG = dict(image_size=16, patch_size=4, in_chans=3, embed_dim=32, depth=2, num_heads=4, dec_embed_dim=16,
           dec_depth=1, dec_num_heads=2, mask_ratio=0.75, norm_pix_loss=True)
HF_EPS = 1e-12
TIMM_EPS = 1e-6
CLASSES = 5
TOL = 1e-5


def grid(cfg):
    """The patch grid (rows, columns) of cfg: image_size is an int (square) or [height, width]."""
    size, p = cfg["image_size"], cfg["patch_size"]
    return (size // p, size // p) if isinstance(size, int) else (size[0] // p, size[1] // p)


# ---- Hugging Face ViTMAE, module tree as transformers' modeling_vit_mae.py -------------------------------------

class HfSelfAttention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.query = nn.Linear(d, d)
        self.key = nn.Linear(d, d)
        self.value = nn.Linear(d, d)

    def forward(self, x):
        b, n, d = x.shape
        split = lambda t: t.view(b, n, self.heads, d // self.heads).permute(0, 2, 1, 3)  # noqa: E731
        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        a = (q @ k.transpose(-1, -2) / (d // self.heads) ** 0.5).softmax(-1)
        return (a @ v).permute(0, 2, 1, 3).reshape(b, n, d)


class HfSelfOutput(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.dense = nn.Linear(d, d)


class HfAttention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.attention = HfSelfAttention(d, heads)
        self.output = HfSelfOutput(d)

    def forward(self, x):
        return self.output.dense(self.attention(x))


class HfDense(nn.Module):
    def __init__(self, a, b):
        super().__init__()
        self.dense = nn.Linear(a, b)


class HfLayer(nn.Module):
    def __init__(self, d, heads, hidden, eps):
        super().__init__()
        self.attention = HfAttention(d, heads)
        self.intermediate = HfDense(d, hidden)
        self.output = HfDense(hidden, d)
        self.layernorm_before = nn.LayerNorm(d, eps=eps)
        self.layernorm_after = nn.LayerNorm(d, eps=eps)

    def forward(self, x):
        x = self.attention(self.layernorm_before(x)) + x
        return self.output.dense(F.gelu(self.intermediate.dense(self.layernorm_after(x)))) + x


class HfPatchEmbeddings(nn.Module):
    def __init__(self, c, d, p):
        super().__init__()
        self.projection = nn.Conv2d(c, d, kernel_size=p, stride=p)


class HfEmbeddings(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d, p, (gh, gw) = cfg["embed_dim"], cfg["patch_size"], grid(cfg)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, d))
        self.patch_embeddings = HfPatchEmbeddings(cfg["in_chans"], d, p)
        self.position_embeddings = nn.Parameter(torch.zeros(1, gh * gw + 1, d), requires_grad=False)
        self.mask_ratio = cfg["mask_ratio"]

    def forward(self, images, noise):
        x = self.patch_embeddings.projection(images).flatten(2).transpose(1, 2)
        x = x + self.position_embeddings[:, 1:, :]
        n, length, d = x.shape
        keep = int(length * (1 - self.mask_ratio))
        ids_shuffle = torch.argsort(noise, dim=1)
        ids_restore = torch.argsort(ids_shuffle, dim=1)
        x = torch.gather(x, 1, ids_shuffle[:, :keep].unsqueeze(-1).repeat(1, 1, d))
        mask = torch.ones([n, length])
        mask[:, :keep] = 0
        mask = torch.gather(mask, 1, ids_restore)
        cls = (self.cls_token + self.position_embeddings[:, :1, :]).expand(n, -1, -1)
        return torch.cat((cls, x), dim=1), mask, ids_restore


class HfEncoder(nn.Module):
    def __init__(self, cfg, eps):
        super().__init__()
        d = cfg["embed_dim"]
        self.layer = nn.ModuleList([HfLayer(d, cfg["num_heads"], 4 * d, eps) for _ in range(cfg["depth"])])


class HfViTMAEModel(nn.Module):
    def __init__(self, cfg, eps):
        super().__init__()
        self.embeddings = HfEmbeddings(cfg)
        self.encoder = HfEncoder(cfg, eps)
        self.layernorm = nn.LayerNorm(cfg["embed_dim"], eps=eps)

    def forward(self, images, noise):
        x, mask, ids_restore = self.embeddings(images, noise)
        for layer in self.encoder.layer:
            x = layer(x)
        return self.layernorm(x), mask, ids_restore


class HfDecoder(nn.Module):
    def __init__(self, cfg, eps):
        super().__init__()
        d, dd, p, (gh, gw) = cfg["embed_dim"], cfg["dec_embed_dim"], cfg["patch_size"], grid(cfg)
        self.decoder_embed = nn.Linear(d, dd)
        self.mask_token = nn.Parameter(torch.zeros(1, 1, dd))
        self.decoder_pos_embed = nn.Parameter(torch.zeros(1, gh * gw + 1, dd), requires_grad=False)
        self.decoder_layers = nn.ModuleList(
            [HfLayer(dd, cfg["dec_num_heads"], 4 * dd, eps) for _ in range(cfg["dec_depth"])])
        self.decoder_norm = nn.LayerNorm(dd, eps=eps)
        self.decoder_pred = nn.Linear(dd, p * p * cfg["in_chans"])

    def forward(self, x, ids_restore):
        x = self.decoder_embed(x)
        tokens = self.mask_token.repeat(x.shape[0], ids_restore.shape[1] + 1 - x.shape[1], 1)
        x_ = torch.cat([x[:, 1:, :], tokens], dim=1)
        x_ = torch.gather(x_, 1, ids_restore.unsqueeze(-1).repeat(1, 1, x.shape[2]))
        x = torch.cat([x[:, :1, :], x_], dim=1) + self.decoder_pos_embed
        for layer in self.decoder_layers:
            x = layer(x)
        return self.decoder_pred(self.decoder_norm(x))[:, 1:, :]


class HfViTMAEForPreTraining(nn.Module):
    def __init__(self, cfg, eps):
        super().__init__()
        self.cfg = cfg
        self.vit = HfViTMAEModel(cfg, eps)
        self.decoder = HfDecoder(cfg, eps)

    def forward(self, images, noise):
        latent, mask, ids_restore = self.vit(images, noise)
        logits = self.decoder(latent, ids_restore)
        target = official.Mae.patchify(self, images)
        if self.cfg["norm_pix_loss"]:
            target = (target - target.mean(-1, keepdim=True)) / (target.var(-1, keepdim=True) + 1.0e-6) ** 0.5
        loss = (((logits - target) ** 2).mean(-1) * mask).sum() / mask.sum()
        return loss, logits, mask

    @property
    def p(self):
        return self.cfg["patch_size"]

    @property
    def c(self):
        return self.cfg["in_chans"]


def hf_config(cfg, eps):
    d, dd = cfg["embed_dim"], cfg["dec_embed_dim"]
    return {"architectures": ["ViTMAEForPreTraining"], "attention_probs_dropout_prob": 0.0,
            "decoder_hidden_size": dd, "decoder_intermediate_size": 4 * dd,
            "decoder_num_attention_heads": cfg["dec_num_heads"], "decoder_num_hidden_layers": cfg["dec_depth"],
            "hidden_act": "gelu", "hidden_dropout_prob": 0.0, "hidden_size": d, "image_size": cfg["image_size"],
            "initializer_range": 0.02, "intermediate_size": 4 * d, "layer_norm_eps": eps,
            "mask_ratio": cfg["mask_ratio"], "model_type": "vit_mae", "norm_pix_loss": cfg["norm_pix_loss"],
            "num_attention_heads": cfg["num_heads"], "num_channels": cfg["in_chans"],
            "num_hidden_layers": cfg["depth"], "patch_size": cfg["patch_size"], "qkv_bias": True,
            "torch_dtype": "float32"}


def cfg_from_hf(c):
    return dict(image_size=c["image_size"], patch_size=c["patch_size"], in_chans=c["num_channels"],
                embed_dim=c["hidden_size"], depth=c["num_hidden_layers"], num_heads=c["num_attention_heads"],
                dec_embed_dim=c["decoder_hidden_size"], dec_depth=c["decoder_num_hidden_layers"],
                dec_num_heads=c["decoder_num_attention_heads"], mask_ratio=c["mask_ratio"],
                norm_pix_loss=c["norm_pix_loss"])


HF_LAYER = [("norm1", "layernorm_before"), ("norm2", "layernorm_after"), ("attn.proj", "attention.output.dense"),
            ("mlp.fc1", "intermediate.dense"), ("mlp.fc2", "output.dense")]


def official_to_hf(sd, cfg):
    """The official state dict renamed and split as ViTMAEForPreTraining holds it."""
    out = OrderedDict()
    out["vit.embeddings.cls_token"] = sd["cls_token"]
    out["vit.embeddings.position_embeddings"] = sd["pos_embed"]
    out["vit.embeddings.patch_embeddings.projection.weight"] = sd["patch_embed.proj.weight"]
    out["vit.embeddings.patch_embeddings.projection.bias"] = sd["patch_embed.proj.bias"]

    def layer(src, dst, d):
        for kind in ("weight", "bias"):
            q, k, v = sd[f"{src}.attn.qkv.{kind}"].split(d, dim=0)
            out[f"{dst}.attention.attention.query.{kind}"] = q.clone()
            out[f"{dst}.attention.attention.key.{kind}"] = k.clone()
            out[f"{dst}.attention.attention.value.{kind}"] = v.clone()
            for a, b in HF_LAYER:
                out[f"{dst}.{b}.{kind}"] = sd[f"{src}.{a}.{kind}"]

    for i in range(cfg["depth"]):
        layer(f"blocks.{i}", f"vit.encoder.layer.{i}", cfg["embed_dim"])
    out["vit.layernorm.weight"] = sd["norm.weight"]
    out["vit.layernorm.bias"] = sd["norm.bias"]
    out["decoder.decoder_embed.weight"] = sd["decoder_embed.weight"]
    out["decoder.decoder_embed.bias"] = sd["decoder_embed.bias"]
    out["decoder.mask_token"] = sd["mask_token"]
    out["decoder.decoder_pos_embed"] = sd["decoder_pos_embed"]
    for i in range(cfg["dec_depth"]):
        layer(f"decoder_blocks.{i}", f"decoder.decoder_layers.{i}", cfg["dec_embed_dim"])
    for n in ("decoder_norm", "decoder_pred"):
        for kind in ("weight", "bias"):
            out[f"decoder.{n}.{kind}"] = sd[f"{n}.{kind}"]
    return out


# ---- timm VisionTransformer (timm/models/vision_transformer.py names) ---------------------------------------

class TimmVit(nn.Module):
    def __init__(self, cfg, no_embed_class=False, num_classes=CLASSES):
        super().__init__()
        d, p, (gh, gw) = cfg["embed_dim"], cfg["patch_size"], grid(cfg)
        self.gh, self.gw, self.p, self.no_embed_class = gh, gw, p, no_embed_class
        self.cls_token = nn.Parameter(torch.zeros(1, 1, d))
        self.pos_embed = nn.Parameter(torch.zeros(1, gh * gw + (0 if no_embed_class else 1), d))
        self.patch_embed = official.PatchEmbed(cfg["in_chans"], d, p)
        self.blocks = nn.Sequential(*[official.Block(d, cfg["num_heads"]) for _ in range(cfg["depth"])])
        self.norm = nn.LayerNorm(d, eps=TIMM_EPS)
        self.head = nn.Linear(d, num_classes)

    def pos_embed_for(self, h, w):
        """resample_abs_pos_embed: the patch rows as a D-channel gh x gw image, bicubic, align_corners=False."""
        prefix = 0 if self.no_embed_class else 1
        rows = self.pos_embed[:, prefix:, :]
        if (h, w) != (self.gh, self.gw):
            d = rows.shape[-1]
            grid = rows.reshape(1, self.gh, self.gw, d).permute(0, 3, 1, 2)
            grid = F.interpolate(grid, size=(h, w), mode="bicubic", align_corners=False)
            rows = grid.permute(0, 2, 3, 1).reshape(1, h * w, d)
        return torch.cat([self.pos_embed[:, :prefix, :], rows], dim=1)

    def forward_features(self, images):
        x = self.patch_embed(images)
        pos = self.pos_embed_for(images.shape[2] // self.p, images.shape[3] // self.p)
        cls = self.cls_token.expand(x.shape[0], -1, -1)
        if self.no_embed_class:
            x = torch.cat([cls, x + pos], dim=1)
        else:
            x = torch.cat([cls, x], dim=1) + pos
        return self.norm(self.blocks(x))

    def forward(self, images):
        return self.head(self.forward_features(images)[:, 0])


def official_to_timm(sd, cfg, no_embed_class, head):
    out = OrderedDict()
    for k, v in sd.items():
        if k.startswith("decoder_") or k == "mask_token":
            continue
        out[k] = v[:, 1:, :].clone() if (k == "pos_embed" and no_embed_class) else v
    out["head.weight"] = head.weight.detach().clone()
    out["head.bias"] = head.bias.detach().clone()
    return out


# ---- safetensors by hand (struct + json; the safetensors package is not installed) ----------------------------

def read_safetensors(path):
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = f.read()
    out = OrderedDict()
    types = {"F32": np.float32, "I64": np.int64}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        b, end = e["data_offsets"]
        arr = np.frombuffer(data[b:end], dtype=np.dtype(types[e["dtype"]]).newbyteorder("<")).reshape(e["shape"])
        out[name] = torch.from_numpy(arr.astype(types[e["dtype"]]).copy())
    return out


# ---- the fixtures ---------------------------------------------------------------------------------------------

def models():
    torch.manual_seed(11)
    off = official.Mae(CFG)
    # the fixed sin-cos tables would hide a swapped or unresized position embedding: use learned-looking values
    with torch.no_grad():
        off.pos_embed.normal_(std=0.5)
        off.decoder_pos_embed.normal_(std=0.5)
        for name, p in off.named_parameters():
            if name.endswith("bias") or name.startswith("norm") or ".norm" in name or "decoder_norm" in name:
                p.add_(torch.randn_like(p) * 0.1)
    sd = off.state_dict()
    hf = HfViTMAEForPreTraining(CFG, HF_EPS)
    hf.load_state_dict(official_to_hf(sd, CFG), strict=True)
    head = nn.Linear(CFG["embed_dim"], CLASSES)
    timm = TimmVit(CFG)
    timm.load_state_dict(official_to_timm(sd, CFG, False, head), strict=True)
    nec = TimmVit(CFG, no_embed_class=True)
    nec.load_state_dict(official_to_timm(sd, CFG, True, head), strict=True)
    return off, hf, timm, nec


def inputs():
    g = torch.Generator().manual_seed(12)
    images = torch.rand(2, 3, 16, 16, generator=g) * 2 - 1
    images24 = torch.rand(2, 3, 24, 24, generator=g) * 2 - 1
    noise = torch.rand(2, 16, generator=g)
    return images, images24, noise


def outputs(off, hf, timm, nec, images, images24, noise):
    with torch.no_grad():
        loss, pred, mask, _ = off(images, noise)
        hloss, logits, hmask = hf(images, noise)
        return OrderedDict([
            ("official.loss", loss.reshape(())), ("official.pred", pred), ("official.mask", mask),
            ("hf.loss", hloss.reshape(())), ("hf.logits", logits), ("hf.mask", hmask),
            ("timm.tokens", timm.forward_features(images)), ("timm.logits", timm(images)),
            ("timm_nec.tokens", nec.forward_features(images)), ("timm.tokens24", timm.forward_features(images24)),
        ])


def write():
    off, hf, timm, nec = models()
    for sub in ("official", "hf", "timm", "timm_no_embed_class"):
        os.makedirs(os.path.join(ROOT, sub), exist_ok=True)
    torch.save({"model": off.state_dict()}, os.path.join(ROOT, "official", "mae_full.pth"))
    official.write_safetensors(os.path.join(ROOT, "hf", "model.safetensors"), hf.state_dict(), {"format": "pt"})
    with open(os.path.join(ROOT, "hf", "config.json"), "w") as f:
        json.dump(hf_config(CFG, HF_EPS), f, indent=2, sort_keys=True)
        f.write("\n")
    official.write_safetensors(os.path.join(ROOT, "timm", "model.safetensors"), timm.state_dict(), {"format": "pt"})
    official.write_safetensors(os.path.join(ROOT, "timm_no_embed_class", "model.safetensors"), nec.state_dict(),
                               {"format": "pt"})
    images, images24, noise = inputs()
    io = OrderedDict([("images", images), ("images24", images24), ("noise", noise)])
    io.update(outputs(off, hf, timm, nec, images, images24, noise))
    official.write_safetensors(os.path.join(ROOT, "io.safetensors"), io)
    print({k: float(v) for k, v in io.items() if v.dim() == 0})


def check(args):
    """Loads files mae4j wrote (strict) and compares their forward outputs with io.safetensors."""
    io = read_safetensors(os.path.join(ROOT, "io.safetensors"))
    images, noise = io["images"], io["noise"]
    report, ok = {}, True

    def close(name, got, want):
        nonlocal ok
        err = float((got - want).abs().max() / want.abs().max())
        report[name] = err
        ok &= err <= TOL

    for arg in args:
        kind, path = arg.split("=", 1)
        with torch.no_grad():
            if kind == "official":
                sd = torch.load(path, map_location="cpu")
                sd = sd.get("model", sd)
                m = official.Mae(CFG)
                m.load_state_dict(sd, strict=True)
                loss, pred, _, _ = m(images, noise)
                close("official.pred", pred, io["official.pred"])
            elif kind == "hf":
                with open(os.path.join(path, "config.json")) as f:
                    c = json.load(f)
                assert c["model_type"] == "vit_mae" and c["architectures"] == ["ViTMAEForPreTraining"], c
                m = HfViTMAEForPreTraining(cfg_from_hf(c), c["layer_norm_eps"])
                m.load_state_dict(read_safetensors(os.path.join(path, "model.safetensors")), strict=True)
                loss, logits, _ = m(images, noise)
                # mae4j writes its own eps (1e-6) into config.json: compare with the official outputs then
                close("hf.logits", logits, io["hf.logits" if c["layer_norm_eps"] == HF_EPS else "official.pred"])
            elif kind == "timm":
                sd = read_safetensors(path) if path.endswith(".safetensors") else torch.load(path, map_location="cpu")
                nec = sd["pos_embed"].shape[1] == 16
                m = TimmVit(CFG, no_embed_class=nec,
                            num_classes=sd["head.weight"].shape[0] if "head.weight" in sd else 0)
                if "head.weight" not in sd:
                    m.head = nn.Identity()
                m.load_state_dict(sd, strict=True)
                key = "timm_nec.tokens" if nec else "timm.tokens"
                close(key, m.forward_features(images), io[key])
            else:
                raise SystemExit(f"unknown kind {kind}")
    print(json.dumps({"ok": ok, "max_rel": report}))
    return 0 if ok else 1


def check_model(args):
    """Loads a non-square (or any) model mae4j wrote in each layout, strictly, and compares with its outputs."""
    files = dict(a.split("=", 1) for a in args)
    io = read_safetensors(files["io"])
    images, noise = io["images"], io["noise"]
    with open(os.path.join(files["hf"], "config.json")) as f:
        c = json.load(f)
    assert c["model_type"] == "vit_mae" and c["architectures"] == ["ViTMAEForPreTraining"], c
    cfg = cfg_from_hf(c)
    report, ok = {"image_size": c["image_size"], "grid": list(grid(cfg)), "channels": cfg["in_chans"]}, True

    def close(name, got, want):
        nonlocal ok
        err = float((got - want).abs().max() / want.abs().max())
        report[name] = err
        ok &= err <= TOL

    with torch.no_grad():
        hf = HfViTMAEForPreTraining(cfg, c["layer_norm_eps"])
        hf.load_state_dict(read_safetensors(os.path.join(files["hf"], "model.safetensors")), strict=True)
        close("hf.logits", hf(images, noise)[1], io["official.pred"])
        if "official" in files:
            sd = torch.load(files["official"], map_location="cpu")
            m = official.Mae(cfg)
            # the official Block's LayerNorm eps is 1e-6 (make_parity_fixtures.EPS), as mae4j's default
            m.load_state_dict(sd.get("model", sd), strict=True)
            close("official.pred", m(images, noise)[1], io["official.pred"])
        if "timm" in files:
            path = files["timm"]
            sd = read_safetensors(path) if path.endswith(".safetensors") else torch.load(path, map_location="cpu")
            m = TimmVit(cfg, num_classes=sd["head.weight"].shape[0] if "head.weight" in sd else 0)
            if "head.weight" not in sd:
                m.head = nn.Identity()
            m.load_state_dict(sd, strict=True)
            close("timm.tokens", m.forward_features(images), io["timm.tokens"])
    print(json.dumps({"ok": ok, "max_rel": report}))
    return 0 if ok else 1


if __name__ == "__main__":
    torch.set_num_threads(1)
    if len(sys.argv) > 1 and sys.argv[1] == "--check":
        sys.exit(check(sys.argv[2:]))
    if len(sys.argv) > 1 and sys.argv[1] == "--check-model":
        sys.exit(check_model(sys.argv[2:]))
    write()
