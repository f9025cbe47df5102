#!/usr/bin/python3
"""Prints the prediction-throughput table of docs/performance.md from one serve.sh run.

Reads, from the run's folder: models/cases.json (what a prediction must read and compute, written
by ServeModels), the JMH results serve-t1.json / serve-t2.json (ServeBench),
gather-<kib>-<row>-<block>-<stride>-t<T>.json (GatherBench, one per table a prediction reads),
peak-t<T>.json (PeakBench) and torch.jsonl (serve_torch.py). For each case and thread count the
bound is the smaller of
  memory: T · 1e9 / (Σ over the tables a prediction reads of the ns of one random access to it)
  flops: T · (the FMA peak in flop/s per thread) / (flops per entry)
and the batch-4096 throughput is shown as a share of it and beside PyTorch's best variant.

Usage: serve_report.py RUN_DIR
"""
import json
import os
import sys


def jmh(path):
    with open(path) as f:
        return json.load(f)


def main():
    run = sys.argv[1]
    cases = json.load(open(os.path.join(run, "models", "cases.json")))
    torch = [json.loads(line) for line in open(os.path.join(run, "torch.jsonl")) if line.strip()]
    info = json.load(open(os.path.join(run, "machine.json")))
    lanes = info["lanes"]
    peak = {}
    for t in (1, 2):
        result = jmh(os.path.join(run, "peak-t%d.json" % t))[0]
        ns = result["primaryMetric"]["score"]
        peak[t] = 2 * lanes * 12 * 4096 / ns * 1e9  # flop/s per thread
    served = {}
    for t in (1, 2):
        for r in jmh(os.path.join(run, "serve-t%d.json" % t)):
            p = r["params"]
            method = r["benchmark"].rsplit(".", 1)[1]
            served[(p["kind"] + "-" + p["size"], int(p["batch"]), method, t)] = r["primaryMetric"]["score"] * int(p["batch"])
    print("Machine: %s; %d doubles per vector (%s); %s; torch %s" % (info["cpu"], lanes, info["kernels"], info["java"],
                                                                     torch[0]["torch"] if torch else "-"))
    print("FMA peak per thread: %.1f GFLOP/s (1 thread), %.1f (each of 2)" % (peak[1] / 1e9, peak[2] / 1e9))
    print()
    print("| model | threads | batch 1 | batch 64 | batch 4096 | one at a time | bound (memory / flops) | share of bound |"
          " PyTorch, batch 4096 (variant) | deeptensor ÷ PyTorch |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for case in cases:
        name = case["case"]
        for t in (1, 2):
            ns = sum(jmh(os.path.join(run, "gather-%d-%d-%d-%d-t%d.json" % (p["kib"], p["row"], p["block"], p["stride"], t)))[0]
                     ["primaryMetric"]["score"] for p in case["parts"])
            memory = t * 1e9 / ns
            flops = t * peak[t] / case["flops_per_entry"]
            bound = min(memory, flops)
            rates = [served.get((name, b, "predictBatch", t)) for b in (1, 64, 4096)]
            each = served.get((name, 4096, "predictEach", t))
            peers = [x for x in torch if x["case"] == name and x["threads"] == t]
            best = max(peers, key=lambda x: x["predictions_per_s"]) if peers else None
            cells = ["%.2f M" % (r / 1e6) if r else "-" for r in rates]
            print("| %s | %d | %s | %s | %s | %s | %.1f M (%.1f M / %.0f M) | %s | %s | %s |" % (
                name, t, cells[0], cells[1], cells[2], "%.2f M" % (each / 1e6) if each else "-",
                bound / 1e6, memory / 1e6, flops / 1e6,
                "%.0f %%" % (100 * rates[2] / bound) if rates[2] else "-",
                "%.2f M (%s)" % (best["predictions_per_s"] / 1e6, best["variant"]) if best else "-",
                "%.2f" % (rates[2] / best["predictions_per_s"]) if best and rates[2] else "-"))
    print()
    print("Predictions per second (M = 10⁶). 'one at a time': the same entries through predict(int...).")


if __name__ == "__main__":
    main()
