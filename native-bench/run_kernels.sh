#!/bin/sh
# The JMH runs behind the kernel tables of docs/performance.md (short settings: about 15 minutes).
# Needs JAVA_HOME (JDK 25) and the jar: mvn -q install -DskipTests (root), then mvn -q clean package here.
set -e
cd "$(dirname "$0")"
mkdir -p results
JAVA="$JAVA_HOME/bin/java --sun-misc-unsafe-memory-access=allow -jar target/benchmarks.jar"
SHORT="-f 1 -wi 2 -i 3 -w 1s -r 1s"
$JAVA KernelBench $SHORT -p size=small,paper,paper4,large -p impl=simd -prof gc -rf json -rff results/kernels_simd.json
$JAVA KernelBench $SHORT -p size=small,paper,paper4 -p impl=scalar -rf json -rff results/kernels_scalar.json
$JAVA GemmBench $SHORT -p mnk=8x8x8,25x25x25,256x256x256,512x512x512,1024x1024x1024 -p impl=simd -p threads=1,2 -prof gc \
    -rf json -rff results/gemm_simd.json
$JAVA GemmBench $SHORT -p mnk=8x8x8,25x25x25,256x256x256 -p impl=scalar -rf json -rff results/gemm_scalar.json
$JAVA ModeProductBench $SHORT -p shape=8x8x8 -p rank=8 -p mode=0,1,2 -p impl=simd,scalar -prof gc \
    -rf json -rff results/mode_small.json
$JAVA ModeProductBench $SHORT -p shape=25x25x25 -p rank=10 -p mode=0,1,2 -p impl=simd,scalar -prof gc \
    -rf json -rff results/mode_paper.json
$JAVA ModeProductBench $SHORT -p shape=10x10x10x10 -p rank=5 -p mode=0,1,2,3 -p impl=simd,scalar -prof gc \
    -rf json -rff results/mode_paper4.json
$JAVA ModeProductBench $SHORT -p shape=128x128x128 -p rank=32 -p mode=0,1,2 -p impl=simd -prof gc \
    -rf json -rff results/mode_large.json
# Allocation check with a longer warm-up (2 warm-up seconds leave some kernels still interpreted or in
# C1, where Vector API calls allocate): gc.alloc.rate.norm of every kernel at the small sizes.
$JAVA KernelBench -f 1 -wi 5 -i 2 -w 1s -r 1s -p size=small,paper,paper4 -p impl=simd -prof gc \
    -rf json -rff results/kernels_gc.json
