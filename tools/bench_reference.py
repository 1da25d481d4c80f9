#!/usr/bin/env python3
"""Times the MAE ViT-B/16 pre-training step (forward, backward, AdamW) in Python PyTorch, for comparison with
io.github.mae4j.torch.bench.StepBenchmark.

    python3 tools/bench_reference.py [batch=8] [steps=3] [warmup=1] [threads=<cpu count>]
    python3 tools/bench_reference.py --model vitb16|fmnist --precision fp32|bf16 --batch N --steps N --warmup N

The second form (used by tools/bench_side_by_side.sh) times one configuration and prints one "result" line;
fmnist is the fashion-mnist-pretrain recipe's model (28 px, 1 channel, patch 4, 192 wide x 4 blocks, decoder
128 x 2); bf16 runs the forward under torch.autocast("cpu", dtype=torch.bfloat16).

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


MODELS = {
    "vitb16": dict(image_size=224, patch_size=16, in_chans=3, embed_dim=768, depth=12, num_heads=12,
                   dec_embed_dim=512, dec_depth=8, dec_num_heads=16, mask_ratio=0.75, norm_pix_loss=True),
    "fmnist": dict(image_size=28, patch_size=4, in_chans=1, embed_dim=192, depth=4, num_heads=3,
                   dec_embed_dim=128, dec_depth=2, dec_num_heads=4, mask_ratio=0.75, norm_pix_loss=True),
}


def matmul_gflops(dtype):
    a, b = torch.randn(2048, 2048).to(dtype), torch.randn(2048, 2048).to(dtype)
    a @ b
    t0 = time.perf_counter()
    for _ in range(5):
        a @ b
    return 2 * 2048 ** 3 / ((time.perf_counter() - t0) / 5) / 1e9


def step_time(cfg, batch, steps, warmup, bf16):
    torch.manual_seed(0)
    model = Mae(cfg)
    decay = [p for n, p in model.named_parameters() if p.requires_grad and p.ndim > 1 and n not in
             ("cls_token", "mask_token")]
    no_decay = [p for n, p in model.named_parameters() if p.requires_grad and not (p.ndim > 1 and n not in
                ("cls_token", "mask_token"))]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.05}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=1.5e-4, betas=(0.9, 0.95))
    g = torch.Generator().manual_seed(1)
    s, c = cfg["image_size"], cfg["in_chans"]
    L = (s // cfg["patch_size"]) ** 2
    images = torch.rand(batch, c, s, s, generator=torch.Generator().manual_seed(2))
    total = 0.0
    cpu = 0.0
    for i in range(warmup + steps):
        t0 = time.perf_counter()
        c0 = time.process_time()
        opt.zero_grad(set_to_none=True)
        noise = torch.rand(batch, L, generator=g)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            loss = model(images, noise)[0]
        loss.backward()
        opt.step()
        loss = loss.item()
        if i >= warmup:
            total += time.perf_counter() - t0
            cpu += time.process_time() - c0
    step_time.cpu_per_step = cpu / steps
    return total / steps, loss


def single(argv):
    opts = dict(model="vitb16", precision="fp32", batch=8, steps=3, warmup=1)
    it = iter(argv)
    for a in it:
        key = a[2:]
        if key not in opts:
            raise SystemExit(f"unknown option {a}; expected --model vitb16|fmnist --precision fp32|bf16 "
                             "--batch N --steps N --warmup N")
        opts[key] = next(it)
    torch.set_num_threads(int(os.environ.get("BENCH_THREADS", os.cpu_count())))
    cfg = MODELS[opts["model"]]
    bf16 = opts["precision"] == "bf16"
    batch, steps, warmup = int(opts["batch"]), int(opts["steps"]), int(opts["warmup"])
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, "
          f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', 'unset')}")
    ceiling = matmul_gflops(torch.bfloat16 if bf16 else torch.float32)
    per, loss = step_time(cfg, batch, steps, warmup, bf16)
    gflop = forward_flops(cfg, batch) * 3 / 1e9
    print(f"python {opts['model']} {opts['precision']} batch {batch}: {per:.3f} s/step, {batch / per:.2f} images/s, "
          f"{gflop / per:.1f} GFLOP/s ({100 * gflop / per / ceiling:.0f}% of the {opts['precision']} matmul "
          f"ceiling {ceiling:.0f}), loss {loss:.4f}; process CPU {step_time.cpu_per_step:.3f} s per step")
    print(f"result python {opts['model']} {opts['precision']} batch {batch}: {per:.4f} s/step")


def main():
    if len(sys.argv) > 1 and sys.argv[1].startswith("--"):
        single(sys.argv[1:])
        return
    batch = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    warmup = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    threads = int(sys.argv[4]) if len(sys.argv) > 4 else os.cpu_count()
    torch.set_num_threads(threads)
    print("cpu:", cpu_info())
    print("load average before:", open("/proc/loadavg").read().strip())
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}")
    print(torch.__config__.parallel_info().strip().splitlines()[-6:])
    ceiling = matmul_gflops(torch.float32)
    print(f"fp32 matmul 2048^2 ceiling: {ceiling:.1f} GFLOP/s")
    cfg = MODELS["vitb16"]
    per, loss = step_time(cfg, batch, steps, warmup, False)
    gflop = forward_flops(cfg, batch) * 3 / 1e9
    print(f"reference fp32 batch {batch}: {per:.3f} s/step, {batch / per:.2f} images/s, "
          f"{gflop / per:.1f} GFLOP/s achieved ({100 * gflop / per / ceiling:.0f}% of matmul ceiling), "
          f"{gflop:.0f} GFLOP/step, loss {loss:.4f}")
    print("load average after:", open("/proc/loadavg").read().strip())


if __name__ == "__main__":
    main()
