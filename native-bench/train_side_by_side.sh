#!/bin/sh
# One full-batch training step of deep Tucker and deep CP, deeptensor beside PyTorch; see train_side_by_side.py.
#
#   native-bench/train_side_by_side.sh [--quick] [--reps 5] [--forms shared,column] [--out DIR] [--no-build] [--avx2]
#
# Installs Debian's python3-torch, python3-numpy and libopenblas0-pthread when missing (as root),
# builds the library and native-bench, checks that both sides compute the same loss, gradient and
# Adam update at a fixed point, then times the step on one thread each, interleaved, and prints the
# table (also written to DIR/table.md, default native-bench/results/train-<date>). About 20 minutes
# on the machine of docs/performance.md ("Training step against PyTorch"); --quick (25³, L = 1) about 1.5.
# --avx2 limits both sides to AVX2 on an AVX-512 machine (the JVM, OpenBLAS and ATen), to measure the
# 256-bit kernels and a 16-register file where no AVX2 machine is at hand.
# Debian's interpreter on purpose: Debian's python3-torch, NumPy and OpenBLAS live under it.
exec /usr/bin/python3 "$(dirname "$0")/train_side_by_side.py" "$@"
