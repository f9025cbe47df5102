#!/usr/bin/python3
"""Mode-n products in deeptensor (JMH) and in NumPy/OpenBLAS, on the same shapes, in one run.

For every case (tensor shape, rank J, mode n, threads) this script times:
  * deeptensor's SIMD mode product X ×_n U (ModeProductBench, JMH, average time per call);
  * NumPy's tensordot(X, U, axes=([n], [1])) (its own axis order: the new axis last);
  * NumPy's einsum with the output in deeptensor's layout (new axis in place of mode n);
  * the single GEMM with the same flop count on contiguous operands: U (J×I)·X (I×rest) for a
    leading or middle mode, X (left×I)·Uᵀ (I×J) for the last one: what OpenBLAS can do at best.
It prints the times, GFLOP/s (2·J·|X| flops per call), and our/their ratios. NumPy times are the
median of repeated calls after a warm-up.

Before timing, it makes sure Debian's python3-numpy and libopenblas0-pthread are installed (without
the latter NumPy falls back to the reference BLAS, 10× slower), unsets OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE for the NumPy runs (a preset core type halves GEMM speed), and records which BLAS
library was loaded and which OpenBLAS kernel ("core") it chose.

It does the same for Tucker reconstructions (n³ from an R³ core), against a tensordot chain, einsum,
and the three GEMMs of the same shapes.

Usage: JAVA_HOME=<a JDK 25> ./side_by_side.sh [--quick] [--threads 1,2] [--out results.json]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# (shape, ranks, modes) per group; 2-thread runs use the 128³ group only (the second vCPU is shared).
CASES = [
    ("8x8x8", [8], [0, 1, 2]),
    ("25x25x25", [10, 25], [0, 1, 2]),
    ("10x10x10x10", [5, 10], [0, 1, 2, 3]),
    ("128x128x128", [16, 32, 64], [0, 1, 2]),
    ("256x256x256", [32, 64], [0, 1, 2]),
]
QUICK = [("25x25x25", [10], [0, 1, 2]), ("128x128x128", [32, 64], [0, 1, 2])]
# Tucker reconstructions: (side n of the cube, core side R).
TUCKER = [(128, 32), (128, 64)]


def ensure_numpy():
    """Installs Debian's NumPy and the pthread OpenBLAS if missing (needs root, as on CI)."""
    needed = []
    if subprocess.call(["/usr/bin/python3", "-c", "import numpy"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL) != 0:
        needed.append("python3-numpy")
    if subprocess.call(["dpkg", "-s", "libopenblas0-pthread"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL) != 0:
        needed.append("libopenblas0-pthread")
    if needed:
        print("installing " + " ".join(needed) + " with apt-get", file=sys.stderr)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.check_call(["apt-get", "update", "-qq"], env=env)
        subprocess.check_call(["apt-get", "install", "-y", "-qq"] + needed, env=env)


NUMPY_PROBE = r'''
import contextlib, ctypes, io, json, os, statistics, sys, time
import numpy as np

def blas_info():
    info = {"numpy": np.__version__}
    text = io.StringIO()
    with contextlib.redirect_stdout(text):
        np.show_config()
    info["show_config"] = text.getvalue()
    libraries = sorted({line.split()[-1] for line in open("/proc/self/maps")
                        if "blas" in line and ".so" in line})
    info["loaded_blas"] = libraries
    for path in libraries:
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_get_corename.restype = ctypes.c_char_p
            lib.openblas_get_config.restype = ctypes.c_char_p
            info["openblas_core"] = lib.openblas_get_corename().decode()
            info["openblas_config"] = lib.openblas_get_config().decode()
            info["openblas_threads"] = lib.openblas_get_num_threads()
            break
        except (OSError, AttributeError):
            continue
    return info

def median_time(f, seconds=1.0, at_least=5):
    f()
    f()
    times, start = [], time.perf_counter()
    while len(times) < at_least or time.perf_counter() - start < seconds:
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    best_times.append(min(times))
    return statistics.median(times)

best_times = []

cases = json.loads(sys.argv[1])
tucker_cases = json.loads(sys.argv[2])
rng = np.random.default_rng(20261127)
out = {"blas": blas_info(), "results": [], "tucker": []}
letters = "abcdefgh"
for shape, rank, mode in cases:
    dims = [int(d) for d in shape.split("x")]
    x = rng.standard_normal(dims)
    u = rng.standard_normal((rank, dims[mode]))
    src = letters[:len(dims)]
    dst = src[:mode] + "z" + src[mode + 1:]
    expr = src + "," + "z" + src[mode] + "->" + dst
    left = int(np.prod(dims[:mode])); right = int(np.prod(dims[mode + 1:])); i = dims[mode]
    if mode == len(dims) - 1:
        a = rng.standard_normal((left, i)); b = np.ascontiguousarray(rng.standard_normal((rank, i)).T)
    else:
        a = rng.standard_normal((rank, i)); b = rng.standard_normal((i, left * right))
    reference = np.einsum(expr, x, u, optimize=True)
    assert np.allclose(np.moveaxis(np.tensordot(x, u, axes=([mode], [1])), -1, mode), reference)
    out["results"].append({
        "shape": shape, "rank": rank, "mode": mode,
        "tensordot_s": median_time(lambda: np.tensordot(x, u, axes=([mode], [1]))),
        "einsum_s": median_time(lambda: np.einsum(expr, x, u, optimize=True)),
        "gemm_s": median_time(lambda: a @ b),
    })
for n, r in tucker_cases:
    g = rng.standard_normal((r, r, r))
    u1, u2, u3 = (rng.standard_normal((n, r)) for _ in range(3))
    def chain():
        t = np.tensordot(g, u3, axes=([2], [1]))      # (a, b, k)
        t = np.tensordot(t, u2, axes=([1], [1]))      # (a, k, j)
        t = np.tensordot(t, u1, axes=([0], [1]))      # (k, j, i)
        return np.ascontiguousarray(t.transpose(2, 1, 0))
    assert np.allclose(chain(), np.einsum("abc,ia,jb,kc->ijk", g, u1, u2, u3, optimize=True))
    gemms = [(rng.standard_normal((n, r)), rng.standard_normal((r, m))) for m in (r * r, r * n, n * n)]
    out["tucker"].append({
        "n": n, "rank": r,
        "tensordot_s": median_time(chain),
        "einsum_s": median_time(lambda: np.einsum("abc,ia,jb,kc->ijk", g, u1, u2, u3, optimize=True)),
        "gemm_s": sum(median_time(lambda a=a, b=b: a @ b) for a, b in gemms),
    })
print(json.dumps(out))
'''


def run_numpy(cases, threads, tucker_cases=()):
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    env["OPENBLAS_NUM_THREADS"] = str(threads)
    env["OMP_NUM_THREADS"] = str(threads)
    text = subprocess.check_output(["/usr/bin/python3", "-c", NUMPY_PROBE, json.dumps(cases), json.dumps(list(tucker_cases))],
                                   env=env)
    return json.loads(text)


def iteration_median(record):
    """Median (and best) of the measurement iterations, in seconds: robust to a busy second vCPU."""
    scores = sorted(x for fork in record["primaryMetric"]["rawData"] for x in fork)
    middle = len(scores) // 2
    median = scores[middle] if len(scores) % 2 else (scores[middle - 1] + scores[middle]) / 2
    return median * 1e-6, scores[0] * 1e-6


def number(value):
    """JMH writes NaN (too few iterations for an error) as a string."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def java_home():
    home = os.environ.get("JAVA_HOME")
    if not home or not os.path.exists(os.path.join(home, "bin", "java")):
        sys.exit("set JAVA_HOME to a JDK 25 (the benchmarks need the Vector API of Java 25)")
    return home


def ensure_jar(home):
    jar = os.path.join(HERE, "target", "benchmarks.jar")
    if not os.path.exists(jar):
        env = dict(os.environ, JAVA_HOME=home)
        env.setdefault("MAVEN_OPTS", "--sun-misc-unsafe-memory-access=allow")
        subprocess.check_call(["mvn", "-q", "install", "-DskipTests"], cwd=ROOT, env=env)
        subprocess.check_call(["mvn", "-q", "package"], cwd=HERE, env=env)
    return jar


def run_jmh(home, jar, benchmark, params, jmh_args):
    """Runs one JMH benchmark with the given parameters; returns its JSON records."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        result = f.name
    command = [os.path.join(home, "bin", "java"), "--sun-misc-unsafe-memory-access=allow", "-jar", jar, benchmark,
               "-rf", "json", "-rff", result] + jmh_args
    for key, values in params.items():
        command += ["-p", key + "=" + ",".join(str(v) for v in values)]
    run = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if run.returncode != 0:
        sys.exit("JMH failed:\n" + run.stdout[-4000:])
    with open(result) as f:
        records = json.load(f)
    os.unlink(result)
    return records


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="only 25³ and 128³ (ranks 32, 64)")
    parser.add_argument("--threads", default="1,2", help="thread counts to compare (default 1,2)")
    parser.add_argument("--jmh", default="-f 1 -wi 3 -i 5 -w 1s -r 1s", help="JMH settings")
    parser.add_argument("--out", help="also write all measurements to this JSON file")
    args = parser.parse_args()

    ensure_numpy()
    home = java_home()
    jar = ensure_jar(home)
    jmh_args = args.jmh.split()
    groups = QUICK if args.quick else CASES

    peak = run_jmh(home, jar, "PeakBench", {}, jmh_args)[0]
    lanes = int(subprocess.check_output([os.path.join(home, "bin", "java"), "--add-modules=jdk.incubator.vector",
                                         "-cp", jar, "deeptensor.bench.PeakBench"], stderr=subprocess.DEVNULL).strip())
    # PeakBench: 12 independent accumulators × 4096 FMAs of the preferred width per call.
    peak_gflops = 2.0 * lanes * 12 * 4096 / peak["primaryMetric"]["score"]
    rows = []
    blas = None
    for threads in [int(t) for t in args.threads.split(",")]:
        for shape, ranks, modes in groups:
            if threads > 1 and shape not in ("128x128x128", "256x256x256"):
                continue
            ours = run_jmh(home, jar, "ModeProductBench",
                           {"shape": [shape], "rank": ranks, "mode": modes, "threads": [threads]}, jmh_args)
            cases = [(shape, r, m) for r in ranks for m in modes]
            numpy = run_numpy(cases, threads)
            blas = numpy["blas"]
            for record in ours:
                p = record["params"]
                rank, mode = int(p["rank"]), int(p["mode"])
                theirs = next(x for x in numpy["results"] if x["rank"] == rank and x["mode"] == mode)
                size = 1
                for d in shape.split("x"):
                    size *= int(d)
                flops = 2.0 * rank * size
                our_s, our_best = iteration_median(record)
                rows.append({"shape": shape, "rank": rank, "mode": mode, "threads": threads, "flops": flops,
                             "ours_s": our_s, "ours_best_s": our_best, "ours_error_s": number(record["primaryMetric"]["scoreError"]) * 1e-6, **theirs})
    tucker_rows = []
    for threads in [int(t) for t in args.threads.split(",")]:
        cases = TUCKER[:1] if args.quick else TUCKER
        ours = run_jmh(home, jar, "TuckerBench", {"n": sorted({c[0] for c in cases}), "rank": [c[1] for c in cases],
                                                  "threads": [threads]}, jmh_args)
        numpy = run_numpy([], threads, cases)
        for record in ours:
            n, r = int(record["params"]["n"]), int(record["params"]["rank"])
            theirs = next(x for x in numpy["tucker"] if x["n"] == n and x["rank"] == r)
            flops = 2.0 * (n * r ** 3 + n * n * r * r + n ** 3 * r)
            our_s, our_best = iteration_median(record)
            tucker_rows.append({"n": n, "rank": r, "threads": threads, "flops": flops,
                                "ours_s": our_s, "ours_best_s": our_best, **theirs})

    print("FMA peak (PeakBench, %d-bit vectors): %.1f GFLOP/s on one core" % (64 * lanes, peak_gflops))
    print()
    # The last two path components say which variant (openblas-pthread, blas reference) was loaded.
    print("BLAS loaded by NumPy: " + ", ".join("/".join(p.split("/")[-2:]) for p in blas["loaded_blas"]))
    print("OpenBLAS core: %s, config: %s" % (blas.get("openblas_core", "?"), blas.get("openblas_config", "?")))
    print()
    header = ("shape", "J", "mode", "thr", "ours ms", "GF/s", "best", "tensordot ms", "einsum ms", "GEMM ms",
              "GEMM GF/s", "vs tensordot", "vs einsum", "of GEMM")
    print("%-12s %3s %4s %3s %9s %6s %6s %12s %10s %9s %9s %12s %9s %7s" % header)
    for r in rows:
        gf = r["flops"] / r["ours_s"] / 1e9
        gemm_gf = r["flops"] / r["gemm_s"] / 1e9
        print("%-12s %3d %4d %3d %9.3f %6.1f %6.1f %12.3f %10.3f %9.3f %9.1f %11.2fx %8.2fx %6.0f%%" % (
            r["shape"], r["rank"], r["mode"], r["threads"], r["ours_s"] * 1e3, gf, r["flops"] / r["ours_best_s"] / 1e9,
            r["tensordot_s"] * 1e3,
            r["einsum_s"] * 1e3, r["gemm_s"] * 1e3, gemm_gf, r["tensordot_s"] / r["ours_s"],
            r["einsum_s"] / r["ours_s"], 100 * gf / gemm_gf))
    print()
    print("Tucker reconstruction of an n³ tensor from an R³ core (three mode products):")
    print("%-5s %3s %3s %9s %6s %13s %10s %12s %9s %12s %9s %7s" % ("n", "R", "thr", "ours ms", "GF/s", "tensordot ms",
                                                                    "einsum ms", "3 GEMMs ms", "GEMM GF/s", "vs tensordot",
                                                                    "vs einsum", "of GEMM"))
    for r in tucker_rows:
        gf = r["flops"] / r["ours_s"] / 1e9
        gemm_gf = r["flops"] / r["gemm_s"] / 1e9
        print("%-5d %3d %3d %9.3f %6.1f %13.3f %10.3f %12.3f %9.1f %11.2fx %8.2fx %6.0f%%" % (
            r["n"], r["rank"], r["threads"], r["ours_s"] * 1e3, gf, r["tensordot_s"] * 1e3, r["einsum_s"] * 1e3,
            r["gemm_s"] * 1e3, gemm_gf, r["tensordot_s"] / r["ours_s"], r["einsum_s"] / r["ours_s"], 100 * gf / gemm_gf))
    print()
    print("Shares of the FMA peak (one core's peak × threads): ours, OpenBLAS GEMM:")
    for r in rows:
        peak_here = peak_gflops * r["threads"]
        print("  %-12s J=%-3d mode %d, %d thread(s): ours %3.0f%%, OpenBLAS GEMM %3.0f%%" % (
            r["shape"], r["rank"], r["mode"], r["threads"], 100 * r["flops"] / r["ours_s"] / 1e9 / peak_here,
            100 * r["flops"] / r["gemm_s"] / 1e9 / peak_here))
    print()
    print("Times are medians (ours: of the JMH iterations; NumPy: of repeated calls); best = GF/s of the best iteration.")
    print("vs tensordot / vs einsum: their time ÷ ours (above 1 = deeptensor faster).")
    print("of GEMM: our GFLOP/s as a share of OpenBLAS on the equivalent single GEMM.")
    if args.out:
        with open(args.out, "w") as f:
            blas["loaded_blas"] = ["/".join(p.split("/")[-2:]) for p in blas["loaded_blas"]]
            json.dump({"blas": blas, "peak_gflops": peak_gflops, "rows": rows, "tucker": tucker_rows}, f, indent=1)


if __name__ == "__main__":
    main()
