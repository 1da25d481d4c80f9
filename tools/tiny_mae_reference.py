"""A tiny MAE with the official parameter names (He et al. 2021; facebookresearch/mae layout, timm Block names).

Used by make_checkpoint_fixtures.py and check_java_checkpoint.py. Written here from the paper's structure, not
copied: patch_embed.proj, cls_token, pos_embed, blocks.N.{norm1,attn.qkv,attn.proj,norm2,mlp.fc1,mlp.fc2}, norm,
decoder_embed, mask_token, decoder_pos_embed, decoder_blocks.N.*, decoder_norm, decoder_pred; fine-tuned
classifiers add fc_norm and head.
"""
import torch
from torch import nn

IMG, PATCH, CHANS = 8, 4, 3
DIM, DEPTH, HEADS = 8, 1, 2
DEC_DIM, DEC_DEPTH, DEC_HEADS = 8, 1, 2
MLP_RATIO = 2
CLASSES = 3
L = (IMG // PATCH) ** 2


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        n, l, d = x.shape
        qkv = self.qkv(x).reshape(n, l, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        a = (q @ k.transpose(-2, -1)) * (d // self.heads) ** -0.5
        return self.proj((a.softmax(-1) @ v).transpose(1, 2).reshape(n, l, d))


class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(nn.functional.gelu(self.fc1(x)))


class Block(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = Mlp(dim, dim * MLP_RATIO)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class PatchEmbed(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Conv2d(CHANS, DIM, PATCH, PATCH)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)


class TinyEncoder(nn.Module):
    """Encoder-only layout of mae_pretrain_vit_*.pth (optionally with a classifier head, as fine-tuned files)."""

    def __init__(self, classifier=False):
        super().__init__()
        self.cls_token = nn.Parameter(torch.zeros(1, 1, DIM))
        self.pos_embed = nn.Parameter(torch.zeros(1, L + 1, DIM), requires_grad=False)
        self.patch_embed = PatchEmbed()
        self.blocks = nn.ModuleList([Block(DIM, HEADS) for _ in range(DEPTH)])
        self.classifier = classifier
        if classifier:
            self.fc_norm = nn.LayerNorm(DIM, eps=1e-6)
            self.head = nn.Linear(DIM, CLASSES)
        else:
            self.norm = nn.LayerNorm(DIM, eps=1e-6)

    def forward_features(self, imgs):
        x = self.patch_embed(imgs) + self.pos_embed[:, 1:, :]
        cls = self.cls_token + self.pos_embed[:, :1, :]
        x = torch.cat([cls.expand(x.shape[0], -1, -1), x], dim=1)
        for b in self.blocks:
            x = b(x)
        return x

    def forward(self, imgs):
        x = self.forward_features(imgs)
        if self.classifier:
            return self.head(self.fc_norm(x[:, 1:, :].mean(dim=1)))
        return self.norm(x)


class TinyMae(TinyEncoder):
    """Full pre-training layout (encoder + decoder), as *_full.pth files."""

    def __init__(self):
        super().__init__(classifier=False)
        self.decoder_embed = nn.Linear(DIM, DEC_DIM)
        self.mask_token = nn.Parameter(torch.zeros(1, 1, DEC_DIM))
        self.decoder_pos_embed = nn.Parameter(torch.zeros(1, L + 1, DEC_DIM), requires_grad=False)
        self.decoder_blocks = nn.ModuleList([Block(DEC_DIM, DEC_HEADS) for _ in range(DEC_DEPTH)])
        self.decoder_norm = nn.LayerNorm(DEC_DIM, eps=1e-6)
        self.decoder_pred = nn.Linear(DEC_DIM, PATCH * PATCH * CHANS)

    def forward(self, imgs):
        """Encoder and decoder on every patch (no masking): a deterministic parity probe, [N, L, p*p*C]."""
        x = self.decoder_embed(super().forward(imgs)) + self.decoder_pos_embed
        for b in self.decoder_blocks:
            x = b(x)
        return self.decoder_pred(self.decoder_norm(x))[:, 1:, :]


def build(kind, seed=0):
    torch.manual_seed(seed)
    m = {"full": TinyMae, "encoder": TinyEncoder, "classifier": lambda: TinyEncoder(classifier=True)}[kind]()
    with torch.no_grad():  # nonzero everywhere so every element is checked
        for p in m.parameters():
            p.copy_(torch.randn_like(p))
    return m.eval()


def probe_input():
    return torch.linspace(-1, 1, 2 * CHANS * IMG * IMG).reshape(2, CHANS, IMG, IMG)


def patchify(imgs):
    n, c, h, w = imgs.shape
    g = h // PATCH
    x = imgs.reshape(n, c, g, PATCH, g, PATCH)
    return torch.einsum("nchpwq->nhwpqc", x).reshape(n, g * g, PATCH * PATCH * c)


def masked_forward(model, imgs, noise, mask_ratio=0.75, norm_pix_loss=True):
    """The MAE pre-training forward (paper §3): keep the int(L·(1−r)) lowest-noise patches, encode them with the
    cls token, decode with mask tokens restored to their places; loss = MSE on masked patches of (normalized)
    pixels. Returns loss, pred [N, L, p²·C], mask [N, L]."""
    x = model.patch_embed(imgs) + model.pos_embed[:, 1:, :]
    n, l, d = x.shape
    keep = int(l * (1 - mask_ratio))
    ids_shuffle = torch.argsort(noise, dim=1)
    ids_restore = torch.argsort(ids_shuffle, dim=1)
    x = torch.gather(x, 1, ids_shuffle[:, :keep].unsqueeze(-1).expand(-1, -1, d))
    mask = torch.ones(n, l)
    mask[:, :keep] = 0
    mask = torch.gather(mask, 1, ids_restore)
    cls = (model.cls_token + model.pos_embed[:, :1, :]).expand(n, -1, -1)
    x = torch.cat([cls, x], dim=1)
    for b in model.blocks:
        x = b(x)
    x = model.decoder_embed(model.norm(x))
    dd = x.shape[2]
    restored = torch.cat([x[:, 1:, :], model.mask_token.expand(n, l - keep, -1)], dim=1)
    restored = torch.gather(restored, 1, ids_restore.unsqueeze(-1).expand(-1, -1, dd))
    x = torch.cat([x[:, :1, :], restored], dim=1) + model.decoder_pos_embed
    for b in model.decoder_blocks:
        x = b(x)
    pred = model.decoder_pred(model.decoder_norm(x))[:, 1:, :]
    target = patchify(imgs)
    if norm_pix_loss:
        target = (target - target.mean(-1, keepdim=True)) / (target.var(-1, keepdim=True) + 1e-6) ** 0.5
    loss = (((pred - target) ** 2).mean(-1) * mask).sum() / mask.sum()
    return loss, pred, mask
