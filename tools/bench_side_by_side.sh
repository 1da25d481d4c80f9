#!/usr/bin/env bash
# Times one MAE pre-training step (forward, backward, AdamW) in mae4j and in the PyTorch reference, back to back
# in one run on this host, and prints the ratios. The reference runs at its best settings: threads = cores,
# OMP_WAIT_POLICY=PASSIVE, attention written out as timm 0.4.9 does (tools/make_parity_fixtures.py's model).
#
#   tools/bench_side_by_side.sh [rounds=2] [steps=3] [models="vitb16 fmnist"]
#
# Configurations: ViT-B/16 at 224 px batch 8, and the fashion-mnist-pretrain model at batch 256, each in fp32 and
# bf16 autocast. The two sides alternate (python, java, python, java …) so that a change of load hits both alike;
# every run's time is printed, the ratio uses each side's best. Prints the CPU model and whether it has AMX.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-2}"
steps="${2:-3}"
models="${3:-vitb16 fmnist}"
precisions="${PRECISIONS:-fp32 bf16}"  # PRECISIONS=fp32 times one precision only
jdk="$(ls -d /usr/lib/jvm/temurin-25* 2>/dev/null | head -1)"
java="${JAVA_HOME:-$jdk}/bin/java"

echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) logical CPUs," \
  "amx_bf16=$(grep -qw amx_bf16 /proc/cpuinfo && echo yes || echo no)," \
  "avx512_bf16=$(grep -qw avx512_bf16 /proc/cpuinfo && echo yes || echo no)"
echo "load average before: $(cat /proc/loadavg)"

./mvnw -q -B -o -pl mae-torch-binding -am compile dependency:build-classpath \
  -Dmdep.outputFile=target/cp.txt >/dev/null 2>&1 \
  || ./mvnw -q -B -pl mae-torch-binding -am compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
cp="mae-torch-binding/target/classes:mae-api/target/classes:$(cat mae-torch-binding/target/cp.txt)"

results="$(mktemp)"
trap 'rm -f "$results"' EXIT
run_python() {
  OMP_WAIT_POLICY=PASSIVE BENCH_THREADS="$(nproc)" /usr/bin/python3 tools/bench_reference.py "$@" | tee -a "$results"
}
run_java() {
  "$java" --enable-native-access=ALL-UNNAMED -cp "$cp" io.github.mae4j.torch.bench.StepBenchmark "$@" \
    | tee -a "$results"
}

for model in $models; do
  case "$model" in
    vitb16) batch=8 ;;
    fmnist) batch=256 ;;
    *) echo "unknown model $model (vitb16 or fmnist)" >&2; exit 2 ;;
  esac
  for precision in $precisions; do
    for ((r = 0; r < rounds; r++)); do
      args=(--model "$model" --precision "$precision" --batch "$batch" --steps "$steps" --warmup 1)
      run_python "${args[@]}"
      run_java "${args[@]}"
    done
  done
done
echo "load average after: $(cat /proc/loadavg)"

echo
echo "| model, precision | PyTorch s/step (runs) | mae4j s/step (runs) | mae4j speed-up (best vs best) |"
echo "|---|---|---|---|"
awk '/^result /{k=$3" "$4" batch "$6; t=$7; if ($2=="python") {p[k]=p[k] (p[k]?", ":"") t; if (!(k in pb) || t<pb[k]) pb[k]=t}
     else {j[k]=j[k] (j[k]?", ":"") t; if (!(k in jb) || t<jb[k]) jb[k]=t}; if (!(k in seen)) {seen[k]=1; order[n++]=k}}
     END {for (i=0;i<n;i++) {k=order[i]; printf "| %s | %s | %s | %.2fx |\n", k, p[k], j[k], pb[k]/jb[k]}}' "$results"
