#!/usr/bin/env python3
"""Times the MAE ViT-B/16 pre-training step (forward, backward, AdamW) in Python PyTorch, for comparison with
io.github.mae4j.torch.bench.StepBenchmark.

    python3 tools/bench_reference.py [batch=8] [steps=3] [warmup=1] [threads=<cpu count>]

Uses the reference re-implementation of tools/make_parity_fixtures.py (same model, same loss, masking by
torch.rand noise), AdamW(lr 1.5e-4, betas 0.9/0.95, weight decay 0.05 on weights / 0 on the rest). The thread count
is set with torch.set_num_threads (default: every logical CPU, as the Java run uses for OpenBLAS).
"""
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_parity_fixtures import Mae  # noqa: E402


def cpu_info():
    model, flags = "unknown", set()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name") and model == "unknown":
                    model = line.split(":", 1)[1].strip()
                if line.startswith("flags"):
                    flags |= set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} logical CPUs, avx512f={'yes' if 'avx512f' in flags else 'no'}, " \
           f"amx_bf16={'yes' if 'amx_bf16' in flags else 'no'}"


def forward_flops(cfg, batch):
    L = (cfg["image_size"] // cfg["patch_size"]) ** 2
    keep = int(L * (1 - cfg["mask_ratio"]))
    d, dd = cfg["embed_dim"], cfg["dec_embed_dim"]
    pd = cfg["patch_size"] ** 2 * cfg["in_chans"]

    def block(t, w):
        return t * w * 3 * w + 2 * t * t * w + t * w * w + 2 * t * w * 4 * w

    macs = L * pd * d + cfg["depth"] * block(keep + 1, d) + (keep + 1) * d * dd \
        + cfg["dec_depth"] * block(L + 1, dd) + L * dd * pd
    return 2 * macs * batch


def main():
    batch = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    warmup = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    threads = int(sys.argv[4]) if len(sys.argv) > 4 else os.cpu_count()
    torch.set_num_threads(threads)
    print("cpu:", cpu_info())
    print("load average before:", open("/proc/loadavg").read().strip())
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}")
    print(torch.__config__.parallel_info().strip().splitlines()[-6:])
    a, b = torch.randn(2048, 2048), torch.randn(2048, 2048)
    a @ b
    t0 = time.perf_counter()
    for _ in range(5):
        a @ b
    ceiling = 2 * 2048 ** 3 / ((time.perf_counter() - t0) / 5) / 1e9
    print(f"fp32 matmul 2048^2 ceiling: {ceiling:.1f} GFLOP/s")
    cfg = dict(image_size=224, patch_size=16, in_chans=3, embed_dim=768, depth=12, num_heads=12,
               dec_embed_dim=512, dec_depth=8, dec_num_heads=16, mask_ratio=0.75, norm_pix_loss=True)
    torch.manual_seed(0)
    model = Mae(cfg)
    decay = [p for n, p in model.named_parameters() if p.requires_grad and p.ndim > 1 and n not in
             ("cls_token", "mask_token")]
    no_decay = [p for n, p in model.named_parameters() if p.requires_grad and not (p.ndim > 1 and n not in
                ("cls_token", "mask_token"))]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.05}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=1.5e-4, betas=(0.9, 0.95))
    g = torch.Generator().manual_seed(1)
    images = torch.rand(batch, 3, 224, 224, generator=torch.Generator().manual_seed(2))
    total = 0.0
    for i in range(warmup + steps):
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        noise = torch.rand(batch, 196, generator=g)
        loss = model(images, noise)[0]
        loss.backward()
        opt.step()
        loss = loss.item()
        if i >= warmup:
            total += time.perf_counter() - t0
    per = total / steps
    gflop = forward_flops(cfg, batch) * 3 / 1e9
    print(f"reference fp32 batch {batch}: {per:.3f} s/step, {batch / per:.2f} images/s, "
          f"{gflop / per:.1f} GFLOP/s achieved ({100 * gflop / per / ceiling:.0f}% of matmul ceiling), "
          f"{gflop:.0f} GFLOP/step, loss {loss:.4f}")
    print("load average after:", open("/proc/loadavg").read().strip())


if __name__ == "__main__":
    main()
