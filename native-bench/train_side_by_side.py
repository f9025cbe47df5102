#!/usr/bin/python3
"""One full-batch training step of deep Tucker and deep CP in deeptensor and in PyTorch, side by side.

For each configuration (model, N×N×N, chain depth L, factor form) both sides take the same step:
  loss ℓ = (1/m) Σ_Ω (W_i − Y_i)² over the 20 % observed entries, its gradient with respect to
  every parameter, then one Adam update (Keras form, as deeptensor.internal.train.Optimizer.adam: lr 5e-4,
  β1 0.9, β2 0.999, ε 1e-7 added to the uncorrected √v);
and the time of that step is measured as the CPU time of the thread that runs it (one thread on
each side: -Ddeeptensor.threads=1; torch.set_num_threads(1), OMP/OpenBLAS threads 1), so that a
busy second core changes the numbers less than wall time would.

  * deeptensor: TrainStepDriver (this folder), Model.lossAndGradient then OptimizerState.step
    (deeptensor.internal.model and .train), on the evaluation path AUTO picks (deep CP: also the
    other path, forced).
  * PyTorch: the same model written here from its definition in docs/models.md and the Javadoc of
    FactorForm, CpModel and TuckerModel (not from the library's code): shared chain
    F = M_L ⋯ M_1, column chains f_j = A_{j,L} ⋯ A_{j,2} a_j, CP W = Σ_r f_r¹ ∘ f_r² ∘ f_r³,
    Tucker W = G ×₁ U¹ ×₂ U² ×₃ U³; autograd for the gradient; the same Adam with torch._foreach
    ops over the parameter list. Variants: Tucker "chain" (W by three matmuls, G ×₃ U³ ×₂ U² ×₁ U¹,
    then the observed entries gathered) and "einsum" (one torch.einsum, gathered); CP "dense"
    (W = (F¹ ⊙ F²)·F³ᵀ, gathered) and "sampled" (rows of the factors gathered at the observed
    coordinates, multiplied, summed). The table takes PyTorch's faster variant.

Before timing, each configuration is checked: deeptensor writes the coordinates, targets and its
parameters (.npy) with its loss, predictions, gradient and the parameters after one Adam step;
PyTorch computes the same from the same numbers, and the largest relative difference (per
parameter block, relative to the block's largest value) must be below 1e-10.

Timing: one deeptensor JVM and one PyTorch process stay up for the whole run and take commands,
so that runs interleave without start-up costs: for each repetition, for each configuration, the
two sides run one after the other (which one first alternates). A run is ≥ 0.5 s of warm-up steps,
then steps until ≥ 5 steps and ≥ 1 s; its time is the median step. The table shows, per
configuration, the median over the repetitions of the run medians, and PyTorch ÷ deeptensor.

Usage: train_side_by_side.sh [--quick] [--reps 5] [--forms shared,column] [--out DIR] [--no-build]
"""
import argparse
import datetime
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PYTHON = "/usr/bin/python3"


# ------------------------------------------------------------------------------------- set-up

def ensure_packages():
    """Installs Debian's PyTorch, NumPy and the pthread OpenBLAS if missing (needs root, as on CI)."""
    needed = []
    for module, package in (("torch", "python3-torch"), ("numpy", "python3-numpy")):
        if subprocess.call([PYTHON, "-c", "import " + module], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) != 0:
            needed.append(package)
    if subprocess.call(["dpkg", "-s", "libopenblas0-pthread"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) != 0:
        needed.append("libopenblas0-pthread")
    if needed:
        if os.geteuid() != 0 or shutil.which("apt-get") is None:
            sys.exit("train_side_by_side: needs %s for %s (Debian: apt-get install %s)" % (" ".join(needed), PYTHON, " ".join(needed)))
        print("installing " + " ".join(needed) + " with apt-get", file=sys.stderr)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.check_call(["apt-get", "update", "-qq"], env=env)
        subprocess.check_call(["apt-get", "install", "-y", "-qq"] + needed, env=env, stdout=subprocess.DEVNULL)


def java_home():
    candidates = [os.environ.get("JAVA_HOME", ""), "/usr/lib/jvm/temurin-25-jdk-amd64"]
    if os.path.isdir("/usr/lib/jvm"):
        candidates += sorted(os.path.join("/usr/lib/jvm", d) for d in os.listdir("/usr/lib/jvm"))
    for home in candidates:
        java = os.path.join(home, "bin", "java")
        if home and os.path.exists(java):
            version = subprocess.run([java, "-version"], stderr=subprocess.PIPE, text=True).stderr
            if any('version "%d' % v in version for v in range(25, 30)):
                return home
    sys.exit("train_side_by_side: no JDK 25 found (set JAVA_HOME)")


def build(home):
    """The library (installed, for native-bench to compile against) and the benchmarks jar."""
    env = dict(os.environ, JAVA_HOME=home)
    env.setdefault("MAVEN_OPTS", "--sun-misc-unsafe-memory-access=allow")
    # Maven's output goes to stderr: standard output is the table.
    subprocess.check_call(["mvn", "-B", "-q", "-Dstyle.color=never", "install", "-DskipTests", "-Dmaven.javadoc.skip=true",
                           "-Dmaven.source.skip=true"], cwd=ROOT, env=env, stdout=sys.stderr)
    subprocess.check_call(["mvn", "-B", "-q", "-Dstyle.color=never", "clean", "package"], cwd=HERE, env=env, stdout=sys.stderr)


def machine():
    """CPU model, family/model and vector extensions, from lscpu and /proc/cpuinfo."""
    info = {}
    try:
        for line in subprocess.check_output(["lscpu"], text=True, env=dict(os.environ, LC_ALL="C")).splitlines():
            key, _, value = line.partition(":")
            info[key.strip()] = value.strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    flags = set(info.get("Flags", "").split())
    vector = "AVX-512" if "avx512f" in flags else "AVX2" if "avx2" in flags else "no AVX2"
    packages = {}
    for package in ("python3-torch", "python3-numpy", "libopenblas0-pthread"):
        try:
            packages[package] = subprocess.check_output(["dpkg-query", "-W", "-f", "${Version}", package], text=True,
                                                        stderr=subprocess.DEVNULL).strip()
        except (OSError, subprocess.CalledProcessError):
            packages[package] = "?"
    return {"packages": packages, "cpu": info.get("Model name", "?"), "family": info.get("CPU family", "?"), "model": info.get("Model", "?"),
            "vendor": info.get("Vendor ID", "?"), "cpus": info.get("CPU(s)", "?"), "vector": vector,
            "hypervisor": info.get("Hypervisor vendor", "")}


# ---------------------------------------------------------------------- the PyTorch side (worker)

def worker():
    """Answers one JSON command per line: check, time, info (runs in its own process, one thread)."""
    import time
    import numpy as np
    import torch

    torch.set_num_threads(1)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass
    torch.set_grad_enabled(True)
    beta1, beta2, epsilon, lr = 0.9, 0.999, 1e-7, 5e-4

    class Peer:
        """The model of one configuration over torch float64 tensors, from a layout and a flat vector."""

        def __init__(self, kind, layout, flat, coords, targets, variant):
            self.kind, self.variant = kind, variant
            self.names = [b["name"] for b in layout]
            self.params = []
            for b in layout:
                size = int(np.prod(b["dims"]))
                block = flat[b["offset"]:b["offset"] + size].reshape(b["dims"]).copy()
                self.params.append(torch.from_numpy(block).requires_grad_())
            self.by_name = dict(zip(self.names, self.params))
            self.n = [int(d) for d in coords.max(axis=0) + 1]
            c = torch.from_numpy(coords.astype(np.int64))
            self.index = [c[:, k].contiguous() for k in range(3)]
            self.targets = torch.from_numpy(targets)
            self.m = len(targets)
            self.first = [torch.zeros_like(p) for p in self.params]
            self.second = [torch.zeros_like(p) for p in self.params]
            self.steps = 0

        def set_shape(self, n):
            self.shape = (n, n, n)
            i, j, k = self.index
            self.offsets = (i * n + j) * n + k

        def factor(self, name):
            """F (rows × cols) from its blocks: direct, shared chain or column chains."""
            if name in self.by_name:
                return self.by_name[name]
            if name + ".M1" in self.by_name:  # F = M_L ⋯ M_2 M_1
                f = self.by_name[name + ".M1"]
                depth = 2
                while "%s.M%d" % (name, depth) in self.by_name:
                    f = self.by_name["%s.M%d" % (name, depth)] @ f
                    depth += 1
                return f
            h = self.by_name[name + ".a"]  # cols × width: row j is a_j
            depth = 2
            while "%s.A%d" % (name, depth) in self.by_name:
                a = self.by_name["%s.A%d" % (name, depth)]  # cols × out × width: A_{j,l}
                h = torch.bmm(a, h.unsqueeze(2)).squeeze(2)
                depth += 1
            return h.t()

        def predictions(self):
            if self.kind == "tucker":
                g = self.by_name["G"]
                u1, u2, u3 = (self.factor("U%d" % k) for k in (1, 2, 3))
                if self.variant == "einsum":
                    return torch.einsum("abc,ia,jb,kc->ijk", g, u1, u2, u3).reshape(-1).index_select(0, self.offsets)
                r1, r2, r3 = g.shape
                d1, d2, d3 = self.shape
                x = (g.reshape(r1 * r2, r3) @ u3.t()).reshape(r1, r2, d3)   # G ×₃ U³
                x = torch.matmul(u2, x)                                       # ×₂ U²: (r1, d2, d3)
                w = u1 @ x.reshape(r1, d2 * d3)                               # ×₁ U¹: (d1, d2·d3)
                return w.reshape(-1).index_select(0, self.offsets)
            f1, f2, f3 = (self.factor("F%d" % k) for k in (1, 2, 3))
            if self.variant == "sampled":
                i, j, k = self.index
                return (f1.index_select(0, i) * f2.index_select(0, j) * f3.index_select(0, k)).sum(1)
            d1, d2, d3 = self.shape
            rank = f1.shape[1]
            w = (f1.unsqueeze(1) * f2.unsqueeze(0)).reshape(d1 * d2, rank) @ f3.t()
            return w.reshape(-1).index_select(0, self.offsets)

        def loss_and_gradient(self):
            for p in self.params:
                p.grad = None
            pred = self.predictions()
            diff = pred - self.targets
            loss = (diff * diff).sum() / self.m
            loss.backward()
            return loss, pred

        @torch.no_grad()
        def adam(self):
            self.steps += 1
            rate = lr * (1 - beta2 ** self.steps) ** 0.5 / (1 - beta1 ** self.steps)
            grads = [p.grad for p in self.params]
            torch._foreach_mul_(self.first, beta1)
            torch._foreach_add_(self.first, grads, alpha=1 - beta1)
            torch._foreach_mul_(self.second, beta2)
            torch._foreach_addcmul_(self.second, grads, grads, value=1 - beta2)
            denominator = torch._foreach_sqrt(self.second)
            torch._foreach_add_(denominator, epsilon)
            torch._foreach_addcdiv_(self.params, self.first, denominator, value=-rate)

    def load(command):
        d = command["dir"]
        layout = json.load(open(os.path.join(d, "layout.json")))
        peer = Peer(command["model"], layout, np.load(os.path.join(d, "params.npy")), np.load(os.path.join(d, "coords.npy")),
                    np.load(os.path.join(d, "targets.npy")), command["variant"])
        peer.set_shape(command["n"])
        return peer, layout

    def relative(got, expected):
        scale = float(np.max(np.abs(expected))) if expected.size else 0.0
        return float(np.max(np.abs(got - expected))) / scale if scale > 0 else float(np.max(np.abs(got - expected)))

    def check(command):
        d = command["dir"]
        peer, layout = load(command)
        loss, pred = peer.loss_and_gradient()
        grads = [p.grad.detach().numpy().reshape(-1).copy() for p in peer.params]
        peer.adam()
        after = [p.detach().numpy().reshape(-1) for p in peer.params]
        ref_grad, ref_after = np.load(os.path.join(d, "grad.npy")), np.load(os.path.join(d, "params1.npy"))
        worst_grad, worst_after, where = 0.0, 0.0, ""
        for b, g, a in zip(layout, grads, after):
            size = int(np.prod(b["dims"]))
            rg = relative(g, ref_grad[b["offset"]:b["offset"] + size])
            if rg >= worst_grad:
                worst_grad, where = rg, b["name"]
            worst_after = max(worst_after, relative(a, ref_after[b["offset"]:b["offset"] + size]))
        return {"loss": float(loss), "loss_rel": abs(float(loss) - command["loss"]) / abs(command["loss"]),
                "pred_rel": relative(pred.detach().numpy(), np.load(os.path.join(d, "pred.npy"))),
                "grad_rel": worst_grad, "grad_worst_block": where, "adam_rel": worst_after}

    def timing(command):
        peer, _ = load(command)
        clock = time.thread_time_ns
        start = clock()
        warm = 0
        while warm < 2 or clock() - start < command["warmup"] * 1e9:
            peer.loss_and_gradient()
            peer.adam()
            warm += 1
        step, grad, wall = [], [], []
        spent = 0
        process_start, thread_start = time.process_time_ns(), clock()
        while len(step) < command["min_steps"] or (spent < command["timed"] * 1e9 and len(step) < 5000):
            w0, t0 = time.perf_counter_ns(), clock()
            peer.loss_and_gradient()
            t1 = clock()
            peer.adam()
            t2 = clock()
            wall.append(time.perf_counter_ns() - w0)
            step.append(t2 - t0)
            grad.append(t1 - t0)
            spent += t2 - t0
        return {"warmup_steps": warm, "step_ns": step, "grad_ns": grad, "wall_ns": wall,
                "process_total_ns": time.process_time_ns() - process_start, "thread_total_ns": clock() - thread_start}

    def info():
        import ctypes
        out = {"torch": torch.__version__, "numpy": np.__version__, "threads": torch.get_num_threads()}
        for line in torch.__config__.show().splitlines():
            if "CPU capability usage" in line:
                out["torch_cpu_capability"] = line.split(":", 1)[1].strip()
        libraries = sorted({line.split()[-1] for line in open("/proc/self/maps") if "blas" in line and ".so" in line})
        out["blas"] = ["/".join(p.split("/")[-2:]) for p in libraries]
        for path in libraries:
            try:
                lib = ctypes.CDLL(path)
                lib.openblas_get_corename.restype = ctypes.c_char_p
                out["openblas_core"] = lib.openblas_get_corename().decode()
                out["openblas_threads"] = lib.openblas_get_num_threads()
                break
            except (OSError, AttributeError):
                continue
        return out

    for line in sys.stdin:
        if not line.strip():
            continue
        command = json.loads(line)
        try:
            if command["cmd"] == "quit":
                break
            answer = {"info": lambda _: info(), "check": check, "time": timing}[command["cmd"]](command)
        except Exception as failure:  # reported to the driver, which stops
            answer = {"error": repr(failure)}
        print(json.dumps(answer), flush=True)


# ------------------------------------------------------------------------------ the driver side

class Process:
    """A worker process that answers one JSON line per command line."""

    def __init__(self, name, command, env=None, log=None):
        self.name = name
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env, stderr=log)

    def ask(self, line):
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        if not answer:
            sys.exit("%s worker ended unexpectedly (command: %s); see its log" % (self.name, line))
        result = json.loads(answer)
        if "error" in result:
            sys.exit("%s worker failed on '%s': %s" % (self.name, line, result["error"]))
        return result

    def close(self, quit_line):
        try:
            self.process.stdin.write(quit_line + "\n")
            self.process.stdin.close()
        except OSError:
            pass
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def configurations(args):
    rows = []
    for model in args.models.split(","):
        for n in [int(x) for x in args.sizes.split(",")]:
            for depth in [int(x) for x in args.depths.split(",")]:
                for form in (["direct"] if depth == 1 else args.forms.split(",")):
                    rows.append({"model": model, "n": n, "depth": depth, "form": form})
    return rows


def label(c):
    shape = "%d³" % c["n"]
    what = "deep Tucker %s, core %s" % (shape, shape) if c["model"] == "tucker" else "deep CP %s, R = %d" % (shape, c["n"])
    form = {"direct": "", "shared": ", shared chains", "column": ", column chains"}[c["form"]]
    return "%s, L = %d%s" % (what, c["depth"], form)


def median(values):
    return statistics.median(values) if values else float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="only 25³, L = 1 (a smoke test)")
    parser.add_argument("--reps", type=int, default=5, help="interleaved repetitions (default 5)")
    parser.add_argument("--models", default="tucker,cp")
    parser.add_argument("--sizes", default="25,50,100")
    parser.add_argument("--depths", default="1,2,3")
    parser.add_argument("--forms", default="shared,column", help="factor forms for L ≥ 2 (default shared,column)")
    parser.add_argument("--warmup", type=float, default=0.5, help="seconds of warm-up steps per run")
    parser.add_argument("--timed", type=float, default=1.0, help="seconds of timed steps per run (at least 5 steps)")
    parser.add_argument("--out", help="folder for results.json and table.md (default native-bench/results/train-<date>)")
    parser.add_argument("--no-build", action="store_true", help="use the jars already built")
    parser.add_argument("--avx2", action="store_true",
                        help="limit both sides to AVX2 on an AVX-512 machine: the JVM to -XX:UseAVX=2 (256-bit vectors, "
                             "16 vector registers), OpenBLAS to its Haswell kernels, PyTorch's ATen to its AVX2 kernels")
    args = parser.parse_args()
    if args.worker:
        worker()
        return
    if args.quick:
        args.sizes, args.depths = "25", "1"
    started = datetime.datetime.now(datetime.timezone.utc)
    out = args.out or os.path.join(HERE, "results", "train-" + started.strftime("%Y%m%d-%H%M%S"))
    os.makedirs(out, exist_ok=True)

    ensure_packages()
    home = java_home()
    if not args.no_build:
        build(home)
    # The checkout's own library jar first: native-bench's shaded jar holds whatever library was
    # installed in the local Maven repository when it was packaged.
    classpath = os.path.join(ROOT, "target", "deeptensor.jar") + os.pathsep + os.path.join(HERE, "target", "benchmarks.jar")
    jvm_limits = ["-XX:UseAVX=2"] if args.avx2 else []
    java = Process("deeptensor", [os.path.join(home, "bin", "java"), "--add-modules", "jdk.incubator.vector"] + jvm_limits
                   + ["-Ddeeptensor.threads=1", "-Xss8m", "-cp", classpath, "deeptensor.bench.TrainStepDriver"],
                   log=open(os.path.join(out, "deeptensor.log"), "w"))
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    env.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    if args.avx2:
        env.update(OPENBLAS_CORETYPE="Haswell", ATEN_CPU_CAPABILITY="avx2")
    torch = Process("PyTorch", [PYTHON, os.path.abspath(__file__), "--worker"], env=env)
    scratch = tempfile.mkdtemp(prefix="train-side-by-side-")
    try:
        run(args, java, torch, scratch, out, started)
    finally:
        java.close("quit")
        torch.close(json.dumps({"cmd": "quit"}))
        shutil.rmtree(scratch, ignore_errors=True)


def case_words(c, path):
    return "%s %d %d %s %s" % (c["model"], c["n"], c["depth"], "shared" if c["form"] == "direct" else c["form"], path)


def run(args, java, torch, scratch, out, started):
    host = machine()
    ours = java.ask("info")
    theirs = torch.ask(json.dumps({"cmd": "info"}))
    load_before = open("/proc/loadavg").read().split()[:3]
    configs = configurations(args)

    # The check, and which path AUTO takes, per configuration.
    for number, c in enumerate(configs):
        directory = c["dir"] = os.path.join(scratch, "case%d" % number)
        reference = java.ask("check %s %s" % (case_words(c, "auto"), directory))
        c["auto_dense"] = reference["dense"]
        c["parameters"], c["m"] = reference["parameters"], reference["m"]
        variants = ["chain", "einsum"] if c["model"] == "tucker" else ["dense", "sampled"]
        c["check"] = {}
        for variant in variants:
            got = torch.ask(json.dumps({"cmd": "check", "model": c["model"], "n": c["n"], "dir": directory,
                                        "variant": variant, "loss": reference["loss"]}))
            c["check"][variant] = got
            worst = max(got["loss_rel"], got["pred_rel"], got["grad_rel"], got["adam_rel"])
            print("check %-48s PyTorch %-7s loss %.1e, predictions %.1e, gradient %.1e (%s), after Adam %.1e" % (
                label(c), variant, got["loss_rel"], got["pred_rel"], got["grad_rel"], got["grad_worst_block"], got["adam_rel"]),
                file=sys.stderr)
            if not worst < 1e-10:
                sys.exit("train_side_by_side: PyTorch's %s %s disagrees with deeptensor (largest relative difference %.3g)"
                         % (label(c), variant, worst))
        # deeptensor's paths to time: AUTO's choice, and for CP the other one as well.
        c["ours_paths"] = ["dense" if c["auto_dense"] else "sampled"] if c["model"] == "tucker" else ["dense", "sampled"]
        c["theirs_variants"] = variants
        c["runs"] = {}

    timing = "%g %d %g" % (args.warmup, 5, args.timed)
    for rep in range(args.reps):
        for index, c in enumerate(configs):
            sides = ["ours", "theirs"] if (rep + index) % 2 == 0 else ["theirs", "ours"]
            for side in sides:
                if side == "ours":
                    for path in c["ours_paths"]:
                        r = java.ask("time %s %s" % (case_words(c, path), timing))
                        c["runs"].setdefault("deeptensor " + path, []).append(summary(r))
                else:
                    for variant in c["theirs_variants"]:
                        r = torch.ask(json.dumps({"cmd": "time", "model": c["model"], "n": c["n"], "variant": variant,
                                                  "dir": c["dir"], "warmup": args.warmup,
                                                  "min_steps": 5, "timed": args.timed}))
                        c["runs"].setdefault("PyTorch " + variant, []).append(summary(r))
            print("rep %d/%d %-50s %s" % (rep + 1, args.reps, label(c), ", ".join(
                "%s %.3f ms" % (k, v[-1]["step"] / 1e6) for k, v in sorted(c["runs"].items()))), file=sys.stderr)
    load_after = open("/proc/loadavg").read().split()[:3]
    finished = datetime.datetime.now(datetime.timezone.utc)
    meta = {"machine": host, "deeptensor": ours, "torch": theirs, "loadavg_before": load_before, "loadavg_after": load_after,
            "started": started.isoformat(timespec="seconds"), "finished": finished.isoformat(timespec="seconds"),
            "reps": args.reps, "warmup_s": args.warmup, "timed_s": args.timed, "command": " ".join(sys.argv)}
    for c in configs:
        c.pop("dir", None)
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump({"meta": meta, "configurations": configs}, f, indent=1)
    table = report(meta, configs)
    with open(os.path.join(out, "table.md"), "w") as f:
        f.write(table)
    print(table)
    print("(results in %s)" % out, file=sys.stderr)




def summary(r):
    """The run's median step, median loss-and-gradient part, median wall time (ns)."""
    s = {"step": median(r["step_ns"]), "grad": median(r["grad_ns"]), "wall": median(r["wall_ns"]), "steps": len(r["step_ns"])}
    if "dense" in r:
        s["dense"] = r["dense"]
    s["process"] = r["process_total_ns"] / r["thread_total_ns"]
    return s


def report(meta, configs):
    m, ours, theirs = meta["machine"], meta["deeptensor"], meta["torch"]
    lines = []
    lines.append("Machine: %s (%s family %s model %s), %s CPUs%s, %s; the library chose %s: %d doubles per vector."
                 % (m["cpu"], m["vendor"], m["family"], m["model"], m["cpus"], " (" + m["hypervisor"] + " guest)" if m["hypervisor"] else "",
                    m["vector"], ours["kernel_details"], ours["lanes"]))
    debian = m.get("packages", {})
    lines.append("deeptensor on %s; PyTorch %s (Debian python3-torch %s; ATen CPU capability %s), NumPy %s, BLAS %s "
                 "(libopenblas0-pthread %s, OpenBLAS core %s, %s thread)."
                 % (ours["java"], theirs["torch"], debian.get("python3-torch", "?"), theirs.get("torch_cpu_capability", "?"),
                    theirs["numpy"],
                    ", ".join(theirs.get("blas", [])) or "?", debian.get("libopenblas0-pthread", "?"),
                    theirs.get("openblas_core", "?"), theirs.get("openblas_threads", "?")))
    lines.append("Run %s to %s, %d interleaved repetitions; load average %s before, %s after."
                 % (meta["started"], meta["finished"], meta["reps"], " ".join(meta["loadavg_before"]), " ".join(meta["loadavg_after"])))
    lines.append("")
    lines.append("| configuration | parameters | deeptensor path (AUTO) | deeptensor ms | PyTorch ms (variant) | PyTorch ÷ deeptensor |"
                 " deeptensor range | PyTorch range |")
    lines.append("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for c in configs:
        path = "dense" if c["auto_dense"] else "sampled"
        ours_runs = [r["step"] for r in c["runs"]["deeptensor " + path]]
        best_variant = min(c["theirs_variants"], key=lambda v: median([r["step"] for r in c["runs"]["PyTorch " + v]]))
        theirs_runs = [r["step"] for r in c["runs"]["PyTorch " + best_variant]]
        lines.append("| %s | %s | %s | %s | %s (%s) | %.2f | %s | %s |" % (
            label(c), "{:,}".format(c["parameters"]).replace(",", " "), path, ms(median(ours_runs)), ms(median(theirs_runs)),
            best_variant, median(theirs_runs) / median(ours_runs), spread(ours_runs), spread(theirs_runs)))
    cps = [c for c in configs if c["model"] == "cp"]
    if cps:
        lines.append("")
        lines.append("Deep CP on both paths (each side forced):")
        lines.append("")
        lines.append("| configuration | deeptensor dense | deeptensor sampled | PyTorch dense | PyTorch sampled | AUTO chose |")
        lines.append("| --- | --- | --- | --- | --- | --- |")
        for c in cps:
            cells = [ms(median([r["step"] for r in c["runs"][k]])) for k in
                     ("deeptensor dense", "deeptensor sampled", "PyTorch dense", "PyTorch sampled")]
            lines.append("| %s | %s | %s | %s | %s | %s |" % (label(c), *cells, "dense" if c["auto_dense"] else "sampled"))
    lines.append("")
    lines.append("Share of the step in loss and gradient (the rest is the Adam update); wall time and the whole process's CPU"
                 " time (deeptensor: the JVM, with its JIT and GC threads) over the thread's CPU time:")
    lines.append("")
    lines.append("| configuration | deeptensor grad share | PyTorch grad share | deeptensor wall ÷ CPU | PyTorch wall ÷ CPU |"
                 " deeptensor process ÷ thread CPU | PyTorch process ÷ thread CPU |")
    lines.append("| --- | --- | --- | --- | --- | --- | --- |")
    for c in configs:
        path = "dense" if c["auto_dense"] else "sampled"
        o = c["runs"]["deeptensor " + path]
        best_variant = min(c["theirs_variants"], key=lambda v: median([r["step"] for r in c["runs"]["PyTorch " + v]]))
        t = c["runs"]["PyTorch " + best_variant]
        lines.append("| %s | %.0f %% | %.0f %% | %.2f | %.2f | %.2f | %.2f |" % (
            label(c), 100 * median([r["grad"] / r["step"] for r in o]), 100 * median([r["grad"] / r["step"] for r in t]),
            median([r["wall"] / r["step"] for r in o]), median([r["wall"] / r["step"] for r in t]),
            median([r["process"] for r in o]), median([r["process"] for r in t])))
    lines.append("")
    worst = max(max(v["loss_rel"], v["pred_rel"], v["grad_rel"], v["adam_rel"]) for c in configs for v in c["check"].values())
    lines.append("Check at the starting point (same parameters, coordinates and targets on both sides): largest relative "
                 "difference of loss, predictions, every gradient block and the parameters after one Adam step: %.1e." % worst)
    lines.append("Times: thread CPU time of one step (loss + gradient + Adam update), median of each run's steps, then median "
                 "over the repetitions; range = smallest and largest run median. One thread on each side.")
    return "\n".join(lines) + "\n"


def ms(ns):
    value = ns / 1e6
    return "%.3g" % value if value < 100 else "%.0f" % value


def spread(values):
    return "%s–%s" % (ms(min(values)), ms(max(values)))


if __name__ == "__main__":
    main()
