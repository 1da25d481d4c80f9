#!/usr/bin/python3
"""Images/s of torchvision's input pipeline alone on a JPEG folder, the counterpart of mae4j's SourceBenchmark.

ImageFolder + RandomResizedCrop(224, scale 0.2-1, bicubic: MAE's pretraining crop) + RandomHorizontalFlip +
ToTensor + Normalize(ImageNet), DataLoader with batch 64, shuffle, drop_last, 1 and 2 worker processes; --warmup
(2) untimed batches, then --batches (12) timed ones. Also prints the CPU time per image: the main process's plus the workers'
(utime + stime from /proc/<pid>/stat), which carries over better than images/s on a loaded machine.

Run on the folder SourceBenchmark generates (1024 JPEGs of 500x375, quality 90):
  /usr/bin/python3 tools/bench_torchvision_folder.py /tmp/mae4j-source-bench/folder [--batches 12] [--warmup 2]
Debian's python3-torchvision (0.14, torch 1.13, Pillow 9.4) is what it was run with.
"""
import argparse
import os
import platform
import time

import PIL
import torch
import torchvision
from torchvision import datasets, transforms
from torchvision.transforms import InterpolationMode

CLOCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK  # utime, stime


def cpu_model():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor()


def run(folder, workers, batches, warmup):
    t = transforms.Compose([
        transforms.RandomResizedCrop(224, scale=(0.2, 1.0), interpolation=InterpolationMode.BICUBIC),
        transforms.RandomHorizontalFlip(),
        transforms.ToTensor(),
        transforms.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225]),
    ])
    ds = datasets.ImageFolder(folder, transform=t)
    g = torch.Generator()
    g.manual_seed(1)
    loader = torch.utils.data.DataLoader(ds, batch_size=64, shuffle=True, num_workers=workers, drop_last=True,
                                         generator=g, persistent_workers=False)
    it = iter(loader)
    pids = [w.pid for w in it._workers]
    n = 0
    for b in range(batches + warmup):
        if b == warmup:
            start = time.perf_counter()
            cpu0 = time.process_time() + sum(cpu_seconds(p) for p in pids)
            n = 0
        x, y = next(it)
        n += x.shape[0]
    seconds = time.perf_counter() - start
    cpu = time.process_time() + sum(cpu_seconds(p) for p in pids) - cpu0
    del it
    print(f"{'torchvision folder, %d worker(s)' % workers:<36} {n / seconds:8.1f} images/s  "
          f"{cpu * 1000 / n:.2f} CPU ms/img  ({n} images in {seconds:.1f} s)", flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("folder", nargs="?", default="/tmp/mae4j-source-bench/folder")
    p.add_argument("--batches", type=int, default=12)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--workers", default="1,2")
    a = p.parse_args()
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    print(f"cpu: {cpu_model()}, {os.cpu_count()} cores, torch {torch.__version__}, torchvision "
          f"{torchvision.__version__}, Pillow {PIL.__version__}, load average {load}", flush=True)
    for w in (int(x) for x in a.workers.split(",")):
        run(a.folder, w, a.batches, a.warmup)


if __name__ == "__main__":
    main()
