#!/usr/bin/python3
"""The PyTorch peer of the prediction benchmark: the same models, asked for the same kind of batches.

Reads the model files ServeModels wrote (the documented .dtm format, parsed here from its
description in docs/formats.md, not from the library's code), builds each model's prediction as a
PyTorch user would write it (float64, an index tensor in, one value per row out), checks that it
computes what deeptensor computed on the same 4 096 coordinates, then times batches of 4 096 random
entries with 1 and 2 intra-op threads. Prints one JSON object per line:
  {"case": "cp-paper", "variant": "gather", "threads": 1, "predictions_per_s": ..., "max_rel_diff": ...}

Variants: CP "gather" (rows gathered, multiplied, summed); Tucker "core" (einsum of the core with the
gathered rows, the direct form) and "partial" (the same cached partial product deeptensor serves
from, so that the peer is not handicapped by a slower formulation); tensor train "bmm" (cores
permuted to slice-major once, slices gathered, batched vector-matrix products).

Usage: serve_torch.py MODELS_DIR [--reps 7] [--calls 40]
"""
import argparse
import json
import os
import statistics
import struct
import sys
import time

import numpy as np
import torch


def read_model(path):
    """The fields of a version-1 .dtm file (single-factorization models are all this script needs)."""
    data = open(path, "rb").read()
    at = 0

    def take(fmt):
        nonlocal at
        values = struct.unpack_from("<" + fmt, data, at)
        at += struct.calcsize("<" + fmt)
        return values

    if data[:8] != b"DTMODEL\0":
        raise ValueError(path + ": not a model file")
    at = 8
    (version,) = take("I")
    if version != 1:
        raise ValueError(path + ": version %d" % version)
    (order,) = take("I")
    shape = take("%dI" % order)
    scale, constant = take("dd")
    (length,) = take("I")
    at += length
    for n in range(order):
        (present,) = take("B")
        if present:
            raise ValueError(path + ": main effects are not used by this benchmark")
    (table_mode,) = take("i")
    if table_mode != -1:
        raise ValueError(path + ": a fibre table is not used by this benchmark")
    (count,) = take("I")
    if count != 1:
        raise ValueError(path + ": expected one factorization")
    kind, weight = take("Bd")
    (rank_count,) = take("I")
    ranks = take("%dI" % rank_count)
    (values_count,) = take("Q")
    values = np.frombuffer(data, dtype="<f8", count=values_count, offset=at).copy()
    return {"shape": shape, "scale": scale, "constant": constant, "kind": kind, "weight": weight,
            "ranks": ranks, "values": values}


def build(model):
    """Returns {variant: function(index LongTensor n×N) -> values}, over torch float64 tensors."""
    shape, ranks, values, kind = model["shape"], model["ranks"], model["values"], model["kind"]
    order = len(shape)
    factor = model["scale"] * model["weight"]
    at = 0

    def take(*dims):
        nonlocal at
        size = int(np.prod(dims))
        block = torch.from_numpy(values[at:at + size].reshape(dims))
        at += size
        return block

    if kind == 0:  # CP: factors d_n × R
        factors = [take(shape[n], ranks[0]) for n in range(order)]

        def cp(index):
            rows = factors[0][index[:, 0]]
            for n in range(1, order):
                rows = rows * factors[n][index[:, n]]
            return factor * rows.sum(1)
        return {"gather": cp}
    if kind == 1:  # Tucker: core, then factors d_n × r_n
        core = take(*ranks)
        factors = [take(shape[n], ranks[n]) for n in range(order)]
        letters = "abcdefgh"[:order]
        spec = letters + "," + ",".join("z" + c for c in letters) + "->z"

        def direct(index):
            return factor * torch.einsum(spec, core, *[factors[n][index[:, n]] for n in range(order)])

        # The partial product of the mode that makes it smallest, mode last: (cells, r_m).
        sizes = [ranks[m] * int(np.prod([shape[n] for n in range(order) if n != m])) for m in range(order)]
        m = int(np.argmin(sizes))
        partial = core
        for n in range(order):
            if n != m:
                partial = torch.tensordot(partial, factors[n], dims=([n], [1])).movedim(-1, n)
        partial = partial.movedim(m, -1).reshape(-1, ranks[m]).contiguous()
        others = [n for n in range(order) if n != m]
        strides = []
        running = 1
        for n in reversed(others):
            strides.insert(0, running)
            running *= shape[n]
        strides = torch.tensor(strides, dtype=torch.int64)

        def cached(index):
            cell = (index[:, others] * strides).sum(1)
            return factor * (factors[m][index[:, m]] * partial[cell]).sum(1)
        return {"core": direct, "partial": cached}
    if kind == 2:  # tensor train: cores r_k × d_k × r_{k+1}, stored slice-major once for gathering
        cores = [take(ranks[k], shape[k], ranks[k + 1]).permute(1, 0, 2).contiguous() for k in range(order)]

        def train(index):
            row = cores[0][index[:, 0]][:, 0, :]
            for k in range(1, order):
                row = torch.bmm(row.unsqueeze(1), cores[k][index[:, k]]).squeeze(1)
            return factor * row[:, 0]
        return {"bmm": train}
    raise ValueError("unknown kind %d" % kind)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("models")
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--calls", type=int, default=40)
    parser.add_argument("--threads", default="1,2")
    args = parser.parse_args()
    torch.set_grad_enabled(False)
    names = sorted(f[:-4] for f in os.listdir(args.models) if f.endswith(".dtm"))
    for name in names:
        model = read_model(os.path.join(args.models, name + ".dtm"))
        index = torch.from_numpy(np.load(os.path.join(args.models, name + ".idx.npy")).astype(np.int64))
        expected = torch.from_numpy(np.load(os.path.join(args.models, name + ".pred.npy")))
        shape = model["shape"]
        generator = np.random.default_rng(11)
        batches = [torch.from_numpy(np.stack([generator.integers(0, d, 4096) for d in shape], axis=1)) for _ in range(16)]
        for variant, predict in build(model).items():
            got = predict(index)
            rel = float((got - expected).abs().max() / expected.abs().max())
            if not rel <= 1e-11:
                print("serve_torch.py: %s %s disagrees with deeptensor (max relative difference %.3g)" % (name, variant, rel),
                      file=sys.stderr)
                sys.exit(1)
            for threads in [int(t) for t in args.threads.split(",")]:
                torch.set_num_threads(threads)
                for b in batches[:4]:
                    predict(b)
                rates = []
                for _ in range(args.reps):
                    start = time.perf_counter()
                    for c in range(args.calls):
                        predict(batches[c % len(batches)])
                    rates.append(args.calls * 4096 / (time.perf_counter() - start))
                print(json.dumps({"case": name, "variant": variant, "threads": threads,
                                  "predictions_per_s": statistics.median(rates), "max_rel_diff": rel,
                                  "torch": torch.__version__}), flush=True)


if __name__ == "__main__":
    main()
