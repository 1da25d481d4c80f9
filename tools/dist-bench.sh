#!/usr/bin/env bash
# 1 process against 2 processes (mae launch, Gloo on loopback) for the fashion-mnist-pretrain recipe on this host:
# images/s of each (median over iterations 3.., global batch 128 in all), the flat allreduce time per step, and
# c10d's Reducer against the flat allreduce. Prints a Markdown table; the runs stay under $OUT.
# Usage: tools/dist-bench.sh [STEPS]      MAE: the mae command (default ./mae), OUT: where runs go
set -euo pipefail
steps=${1:-20}
mae=${MAE:-./mae}
out=${OUT:-runs/dist-bench}
rm -rf "$out"
mkdir -p "$out"
common=(fashion-mnist-pretrain --data fashion-mnist --max-steps "$steps" --log-every 1 --workers 1
  --checkpoint-every 0)
echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
$mae pretrain "${common[@]}" --out "$out/one" 2> "$out/one.log"
# the same process with one BLAS thread, as each of the two processes gets (a contended core punishes spinning)
MAE4J_BLAS_THREADS=1 $mae pretrain "${common[@]}" --out "$out/one-blas1" 2> "$out/one-blas1.log"
$mae launch --nproc-per-node 2 --master-port "${PORT:-29517}" -- pretrain "${common[@]}" --out "$out/two-reducer" \
  2> "$out/two-reducer.log"
$mae launch --nproc-per-node 2 --master-port "${PORT:-29517}" --grad-sync flat -- pretrain "${common[@]}" \
  --out "$out/two-flat" 2> "$out/two-flat.log"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$out" <<'PY'
import json, statistics, sys, pathlib
out = pathlib.Path(sys.argv[1])
print("| run | processes | images/s (median) | step time (ms) | gradient sync |")
print("|---|---|---|---|---|")
for name, procs in (("one", 1), ("one-blas1", 1), ("two-reducer", 2), ("two-flat", 2)):
    recs = [json.loads(l) for l in (out / name / "metrics.jsonl").read_text().splitlines()]
    ips = [r["images_per_sec"] for r in recs if r["kind"] == "iter" and r["iter"] >= 3]
    med = statistics.median(ips)
    sync = next((l.strip() for l in (out / (name + ".log")).read_text().splitlines() if "gradients:" in l), "-")
    print(f"| {name} | {procs} | {med:.1f} | {1000 * 128 / med:.0f} | {sync} |")
PY
