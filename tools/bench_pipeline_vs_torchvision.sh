#!/bin/bash
# mae4j's input pipeline (SourceBenchmark, each JPEG decoder in its own JVM) and torchvision's ImageFolder +
# DataLoader (tools/bench_torchvision_folder.py) back to back on the same generated JPEG folder, in the order
# torchvision, mae4j opencv, mae4j imageio, torchvision, mae4j opencv. Results: docs/data-pipeline.md.
# Usage: tools/bench_pipeline_vs_torchvision.sh [DIR (default /tmp/mae4j-source-bench)]
#   SIZE=2000x1500 IMAGES=384 BATCHES=3 WARMUP=2 tools/bench_pipeline_vs_torchvision.sh /tmp/mae4j-bench-big
#   (large photos; SIZE is used when DIR's JPEGs are generated, i.e. on the first run into an empty DIR)
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${1:-/tmp/mae4j-source-bench}
SIZE=${SIZE:-500x375}
IMAGES=${IMAGES:-1024}
BATCHES=${BATCHES:-12}
WARMUP=${WARMUP:-4}
./mvnw -q -B -o -pl mae-torch-binding -am compile dependency:build-classpath \
  -Dmdep.outputFile=/tmp/mae4j-bench-cp.txt -Dmdep.includeScope=runtime
J=java
for j in "${JAVA_HOME-}" /usr/lib/jvm/*25*; do [ -n "$j" ] && [ -x "$j/bin/java" ] && J=$j/bin/java && break; done
CP="mae-torch-binding/target/classes:$(cat /tmp/mae4j-bench-cp.txt)"
mae() {
  "$J" -Dmae4j.decoder="$1" --enable-native-access=ALL-UNNAMED -cp "$CP" \
    io.github.mae4j.torch.data.bench.SourceBenchmark --dir "$DIR" --size "$SIZE" --images "$IMAGES" \
    --batches "$BATCHES" --warmup "$WARMUP" 2>&1 \
    | grep -v "^data\|^pipeline"
}
tv() { /usr/bin/python3 tools/bench_torchvision_folder.py "$DIR/folder" --batches "$BATCHES" --warmup "$WARMUP"; }
mae opencv >/dev/null # generates the folder and the shards on the first run
tv; mae opencv; mae imageio; tv; mae opencv
