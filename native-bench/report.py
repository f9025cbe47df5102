#!/usr/bin/python3
"""Turns the JMH JSON files written by run_kernels.sh into the Markdown tables of docs/performance.md.

Times are the median of the measurement iterations. GFLOP/s use the flop counts below (the useful
arithmetic of each kernel, not what the implementation happens to execute); kernels that only move
data get none. B/op is JMH's gc.alloc.rate.norm (-prof gc).
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SIZES = {"small": ([8, 8, 8], 4, 0.10), "paper": ([25, 25, 25], 10, 0.10),
         "paper4": ([10, 10, 10, 10], 5, 0.10), "large": ([128, 128, 128], 32, 0.05)}


def prod(values):
    p = 1
    for v in values:
        p *= v
    return p


def kernel_flops(kernel, size):
    dims, r, observed = SIZES[size]
    n_modes, total = len(dims), prod(dims)
    m = int(observed * total) + (1 if observed * total > int(observed * total) else 0)  # ceil, as in KernelBench
    core = r ** n_modes
    tt = sum(2 * (1 if k == 0 else r) * (1 if k == n_modes - 1 else r) for k in range(n_modes))
    if kernel in ("mttkrp", "cpReconstruct"):
        return 2.0 * total * r
    if kernel == "khatriRao":
        return float(dims[0] * dims[1] * r)
    if kernel == "gram":
        return 2.0 * dims[0] * dims[1] * r * r
    if kernel in ("cpEvaluate", "cpScatter"):
        return float(m * r * n_modes)
    if kernel == "tuckerReconstruct":
        flops, size_now = 0.0, core
        for d in dims:
            flops += 2.0 * d * size_now
            size_now = size_now // r * d
        return flops
    if kernel in ("tuckerEvaluate", "tuckerScatterCore", "tuckerScatterFactor"):
        return 2.0 * m * core
    if kernel in ("ttEvaluate", "ttScatterCore"):
        return float(m * tt)
    return None


def median(record):
    scores = sorted(x for fork in record["primaryMetric"]["rawData"] for x in fork)
    mid = len(scores) // 2
    return scores[mid] if len(scores) % 2 else (scores[mid - 1] + scores[mid]) / 2


def alloc(record):
    gc = record.get("secondaryMetrics", {}).get("gc.alloc.rate.norm")
    return None if gc is None else gc["score"]


def load(name):
    path = os.path.join(HERE, "results", name)
    return json.load(open(path)) if os.path.exists(path) else []


def us(value):
    return "%.2f" % value if value < 100 else "%.0f" % value


def kernels_table():
    simd = {(r["params"]["kernel"], r["params"]["size"]): r for r in load("kernels_simd.json")}
    scalar = {(r["params"]["kernel"], r["params"]["size"]): r for r in load("kernels_scalar.json")}
    # B/op from the run with the longer warm-up where there is one (see run_kernels.sh).
    warm = {(r["params"]["kernel"], r["params"]["size"]): r for r in load("kernels_gc.json")}
    print("| kernel | size | SIMD µs | scalar µs | speed-up | SIMD GFLOP/s | B/op |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for (kernel, size), record in sorted(simd.items(), key=lambda kv: (kv[0][0], list(SIZES).index(kv[0][1]))):
        t = median(record)
        other = scalar.get((kernel, size))
        flops = kernel_flops(kernel, size)
        print("| %s | %s | %s | %s | %s | %s | %s |" % (
            kernel, size, us(t), us(median(other)) if other else "–",
            "%.1f×" % (median(other) / t) if other else "–",
            "%.1f" % (flops / t / 1e3) if flops else "–",
            "%.0f" % alloc(warm[(kernel, size)]) if (kernel, size) in warm else "–"))


def gemm_table():
    simd = load("gemm_simd.json")
    scalar = {r["params"]["mnk"]: r for r in load("gemm_scalar.json")}
    print("| m×n×k | threads | SIMD µs | GFLOP/s | scalar µs | speed-up | B/op |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for record in simd:
        mnk, threads = record["params"]["mnk"], record["params"]["threads"]
        m, n, k = (int(x) for x in mnk.split("x"))
        t = median(record)
        other = scalar.get(mnk) if threads == "1" else None
        print("| %s | %s | %s | %.1f | %s | %s | %s |" % (
            mnk, threads, us(t), 2.0 * m * n * k / t / 1e3, us(median(other)) if other else "–",
            "%.0f×" % (median(other) / t) if other else "–",
            "%.0f" % alloc(record) if alloc(record) is not None else "–"))


def mode_table():
    print("| shape | J | mode | impl | µs per call | GFLOP/s | B/op |")
    print("|---|---:|---:|---|---:|---:|---:|")
    for name in ("mode_small.json", "mode_paper.json", "mode_paper4.json", "mode_large.json"):
        for record in load(name):
            p = record["params"]
            dims = [int(x) for x in p["shape"].split("x")]
            t = median(record)
            flops = 2.0 * int(p["rank"]) * prod(dims)
            print("| %s | %s | %s | %s | %s | %.1f | %s |" % (
                p["shape"], p["rank"], p["mode"], p["impl"], us(t), flops / t / 1e3,
                "%.0f" % alloc(record) if alloc(record) is not None else "–"))


if __name__ == "__main__":
    which = sys.argv[1] if len(sys.argv) > 1 else "all"
    if which in ("all", "mode"):
        mode_table()
        print()
    if which in ("all", "gemm"):
        gemm_table()
        print()
    if which in ("all", "kernels"):
        kernels_table()
