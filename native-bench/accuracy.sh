#!/usr/bin/env bash
# The accuracy benchmark: completes real tensors with 90 % of their entries removed and prints the
# relative error on the removed entries, beside mean and main-effects imputation.
#
#   native-bench/accuracy.sh DATA_DIR [--seeds 0,1,2] [--sets "astronaut muybridge_cat unemployment digits:200"]
#                                     [--model auto|tucker1|tucker2] [--threads N] [--verbose]
#
# DATA_DIR holds one folder per data set with <set>/<set>.npy in it (a set written digits:200 uses
# the first 200 slices along mode 0). The masks are made afresh by NumPy with the protocol of
# docs/accuracy.md (bit for bit the same as any other run of it), in a temporary folder.
# Needs Debian's python3-numpy (installed here when missing and run as root) and a JDK 25 (found by
# the launcher). Default: one thread, as the figures in docs/accuracy.md were taken.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"

data="${1:?usage: native-bench/accuracy.sh DATA_DIR [--seeds 0,1,2] [--sets \"a b:200\"] [--model auto|tucker1|tucker2] [--threads N] [--verbose]}"
shift
seeds="0,1,2"
sets="astronaut muybridge_cat unemployment digits:200"
threads=1
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seeds) seeds="$2"; shift 2 ;;
    --sets) sets="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --model) extra+=(--model "$2"); shift 2 ;;
    --verbose) extra+=(--verbose); shift ;;
    *) echo "accuracy.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

if ! /usr/bin/python3 -c 'import numpy' >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-numpy >/dev/null
  else
    echo "accuracy.sh: needs NumPy for /usr/bin/python3 (Debian: apt-get install python3-numpy)" >&2
    exit 3
  fi
fi

masks="$(mktemp -d)"
trap 'rm -rf "$masks"' EXIT
# shellcheck disable=SC2086
/usr/bin/python3 - "$data" "$masks" "$seeds" $sets <<'PY'
import sys, os, numpy
data, out, seeds, sets = sys.argv[1], sys.argv[2], [int(s) for s in sys.argv[3].split(",")], sys.argv[4:]
for entry in sets:
    name, _, limit = entry.partition(":")
    x = numpy.load(os.path.join(data, name, name + ".npy")).astype(numpy.float64)
    if limit:
        x = x[: int(limit)]
    for seed in seeds:
        n_obs = round((1 - 0.9) * x.size)
        idx = numpy.random.default_rng(seed).choice(x.size, size=n_obs, replace=False)
        mask = numpy.zeros(x.size, bool)
        mask[idx] = True
        numpy.save(os.path.join(out, f"{name}_p90_s{seed}_mask.npy"), mask.reshape(x.shape))
PY

"$root/deeptensor" --build >/dev/null 2>&1 || "$root/deeptensor" --build
jdk=""
for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
  if [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && "$candidate/bin/java" -version 2>&1 | grep -q 'version "2[5-9]'; then
    jdk="$candidate"; break
  fi
done
if [ -z "$jdk" ]; then
  echo "accuracy.sh: no JDK 25 found (set JAVA_HOME)" >&2
  exit 3
fi
echo "accuracy.sh: $(lscpu | grep -m1 'Model name' | sed 's/ \+/ /g'); threads $threads; $("$jdk/bin/java" -version 2>&1 | head -1)"
# shellcheck disable=SC2086
"$jdk/bin/java" --add-modules jdk.incubator.vector -Ddeeptensor.threads="$threads" -cp "$root/target/deeptensor.jar" \
  "$here/accuracy/Accuracy.java" "$data" "$masks" $sets --seeds "$seeds" "${extra[@]}" 2> >(grep -v -e 'incubator modules' -e 'KernelProvider' -e '^INFO: ' >&2)
