#!/usr/bin/env bash
# Prediction throughput of saved models, beside the memory/flop bound and PyTorch, in one run.
#
#   native-bench/serve.sh [--quick] [--out DIR]
#
# Builds the library and the benchmarks, writes the six benchmark models (CP, Tucker, tensor train;
# 25³ at the default sizes of docs/models.md and 10⁴×10³×10² at rank 32) with ServeModels, then runs,
# each with 1 and 2 threads: ServeBench (batches of 1, 64 and 4 096 entries, and the same entries
# one at a time), GatherBench on each model's working set and row length, PeakBench, and the
# PyTorch peer (serve_torch.py, which first checks it computes what deeptensor computed). Prints the
# table of docs/performance.md ("Serving predictions") via serve_report.py; the raw results stay in
# DIR (default native-bench/results/serve-<date>). About 25 minutes; --quick (batch 4 096 only,
# shorter iterations) about 8.
# Installs Debian's python3-torch, python3-numpy and libopenblas0-pthread when missing (as root).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
quick=0
out="$here/results/serve-$(date -u +%Y%m%d-%H%M%S)"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1; shift ;;
    --out) out="$2"; shift 2 ;;
    *) echo "serve.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

missing=()
/usr/bin/python3 -c 'import torch' >/dev/null 2>&1 || missing+=(python3-torch)
/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1 || missing+=(python3-numpy)
dpkg -s libopenblas0-pthread >/dev/null 2>&1 || missing+=(libopenblas0-pthread)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "serve.sh: installing ${missing[*]}" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "serve.sh: needs ${missing[*]} for /usr/bin/python3 (Debian: apt-get install ${missing[*]})" >&2
    exit 3
  fi
fi

jdk=""
for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
  if [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && "$candidate/bin/java" -version 2>&1 | grep -q 'version "2[5-9]'; then
    jdk="$candidate"; break
  fi
done
[ -n "$jdk" ] || { echo "serve.sh: no JDK 25 found (set JAVA_HOME)" >&2; exit 3; }
export JAVA_HOME="$jdk"
(cd "$root" && mvn -B -q install -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true)
(cd "$here" && mvn -B -q clean package)

mkdir -p "$out"
bench="$JAVA_HOME/bin/java --sun-misc-unsafe-memory-access=allow -jar $here/target/benchmarks.jar"
"$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -cp "$here/target/benchmarks.jar" deeptensor.bench.ServeModels "$out/models" 2>/dev/null
lanes="$("$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -cp "$here/target/benchmarks.jar" deeptensor.bench.PeakBench 2>/dev/null)"
kernels="$(cat "$out/models/kernels.txt")"
cpu="$(lscpu | grep -m1 'Model name' | sed 's/.*: *//')"
flags="$(grep -m1 -o 'avx512f' /proc/cpuinfo || grep -m1 -o 'avx2' /proc/cpuinfo || echo 'no AVX2')"
printf '{"cpu": "%s (%s)", "lanes": %s, "kernels": "%s", "java": "%s"}\n' "$cpu" "$flags" "$lanes" "$kernels" \
  "$("$JAVA_HOME/bin/java" -version 2>&1 | head -1 | sed 's/"/\\"/g')" > "$out/machine.json"

if [ $quick = 1 ]; then
  settings="-f 1 -wi 2 -i 3 -w 1s -r 1s"; batches="-p batch=4096"; methods="ServeBench.predictBatch"
else
  settings="-f 1 -wi 3 -i 5 -w 1s -r 1s"; batches=""; methods="ServeBench"
fi
for t in 1 2; do
  # shellcheck disable=SC2086
  $bench "$methods" $settings $batches -t $t -rf json -rff "$out/serve-t$t.json" > "$out/serve-t$t.log"
  # shellcheck disable=SC2086
  $bench PeakBench $settings -t $t -rf json -rff "$out/peak-t$t.json" > "$out/peak-t$t.log"
  /usr/bin/python3 - "$out/models/cases.json" <<'PY' | while read -r kib row block stride; do
import json, sys
seen = set()
for c in json.load(open(sys.argv[1])):
    for p in c["parts"]:
        key = (p["kib"], p["row"], p["block"], p["stride"])
        if key not in seen:
            seen.add(key)
            print(*key)
PY
    # shellcheck disable=SC2086
    $bench GatherBench $settings -p kib="$kib" -p row="$row" -p block="$block" -p stride="$stride" -t $t -rf json \
      -rff "$out/gather-$kib-$row-$block-$stride-t$t.json" > "$out/gather-$kib-$row-$block-$stride-t$t.log"
  done
done
/usr/bin/python3 "$here/serve_torch.py" "$out/models" > "$out/torch.jsonl"
/usr/bin/python3 "$here/serve_report.py" "$out" | tee "$out/table.md"
