#!/usr/bin/python3
"""numpy/OpenBLAS counterpart of `descent bench gemm`: same options, same JSON lines.

Run it through bench/compare/gemm.sh, which starts it with `env -u OPENBLAS_CORETYPE` and
OPENBLAS_NUM_THREADS set. The environment of this machine sets OPENBLAS_CORETYPE=Haswell, which makes
OpenBLAS use its AVX2 kernels (about half speed on an AVX-512 CPU); OpenBLAS reads both variables when
the library loads, so they are also fixed here before numpy is imported.
"""
import argparse
import json
import os
import sys
import time


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--m", type=int)
    p.add_argument("--n", type=int)
    p.add_argument("--k", type=int)
    p.add_argument("--shapes", help="comma-separated MxNxK list")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--dtype", choices=["f32", "f64"], default="f32")
    p.add_argument("--trans-a", action="store_true")
    p.add_argument("--trans-b", action="store_true")
    p.add_argument("--json", action="store_true")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--min-seconds", type=float, default=0.5)
    a = p.parse_args()
    shapes = []
    if a.shapes:
        for s in a.shapes.split(","):
            parts = s.strip().lower().split("x")
            if len(parts) != 3:
                p.error(f"--shapes entries are MxNxK, got '{s}'")
            shapes.append(tuple(int(x) for x in parts))
    if a.m or a.n or a.k:
        if not (a.m and a.n and a.k):
            p.error("--m, --n and --k must be given together")
        shapes.append((a.m, a.n, a.k))
    if not shapes:
        p.error("give a shape with --m/--n/--k or --shapes")
    return a, shapes


def main():
    args, shapes = parse_args()
    if "numpy" in sys.modules:
        sys.exit("gemm.py: numpy was imported before the OpenBLAS environment could be set")
    os.environ.pop("OPENBLAS_CORETYPE", None)
    os.environ["OPENBLAS_NUM_THREADS"] = str(args.threads)
    import numpy as np

    dtype = np.float32 if args.dtype == "f32" else np.float64
    rng = np.random.default_rng(42)
    for m, n, k in shapes:
        # Stored shapes match Descent's: A is k×m when transposed, B is n×k. `.T` is a view, so numpy
        # passes the transpose flag to cblas_?gemm instead of copying.
        a = rng.uniform(-1, 1, (k, m) if args.trans_a else (m, k)).astype(dtype)
        b = rng.uniform(-1, 1, (n, k) if args.trans_b else (k, n)).astype(dtype)
        opa = a.T if args.trans_a else a
        opb = b.T if args.trans_b else b
        c = np.empty((m, n), dtype)

        warm = time.perf_counter()
        i = 0
        while i < 20 or time.perf_counter() - warm < min(0.3, args.min_seconds):
            np.matmul(opa, opb, out=c)
            i += 1

        best = float("inf")
        for _ in range(args.repeat):
            calls = 0
            start = time.perf_counter()
            while True:
                np.matmul(opa, opb, out=c)
                calls += 1
                elapsed = time.perf_counter() - start
                if elapsed >= args.min_seconds:
                    break
            best = min(best, elapsed / calls)

        gflops = 2.0 * m * n * k / best / 1e9
        if args.json:
            print(json.dumps({"op": "gemm", "m": m, "n": n, "k": k, "threads": args.threads,
                              "dtype": args.dtype, "trans_a": args.trans_a, "trans_b": args.trans_b,
                              "gflops": round(gflops, 3), "seconds": best}, separators=(",", ":")))
        else:
            flags = ("T" if args.trans_a else "N") + ("T" if args.trans_b else "N")
            print(f"openblas {args.dtype} {flags} {m}x{n}x{k} threads={args.threads}: "
                  f"{gflops:8.1f} GFLOP/s  {best * 1e3:10.4f} ms/call")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
