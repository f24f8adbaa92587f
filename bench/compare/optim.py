#!/usr/bin/python3
"""PyTorch's side of `descent bench optim`: one optimizer step on N float32 parameters (one tensor), timed the same way
(R repetitions of at least S seconds, fastest kept) and printed in the same JSON format. Default foreach=True, i.e.
torch.optim.Adam(foreach=True), PyTorch 1.13's multi-tensor implementation (its fastest CPU path).

  /usr/bin/python3 bench/compare/optim.py --optimizer adam --params 1e6,1e7 --threads 2 --json
"""
import argparse
import json
import time

import torch

BYTES_PER_PARAM = {"adam": 28, "adamw": 28, "sgd": 20, "rmsprop": 20, "adagrad": 20}


def make(name, p, foreach):
    if name == "adam":
        return torch.optim.Adam([p], lr=1e-3, foreach=foreach)
    if name == "adamw":
        return torch.optim.AdamW([p], lr=1e-3, foreach=foreach)
    if name == "sgd":
        return torch.optim.SGD([p], lr=1e-3, momentum=0.9, foreach=foreach)
    if name == "rmsprop":
        return torch.optim.RMSprop([p], lr=1e-3, foreach=foreach)
    if name == "adagrad":
        return torch.optim.Adagrad([p], lr=1e-3, foreach=foreach)
    raise SystemExit(f"optim.py: unknown optimizer {name!r}")


def fastest(call, repeat, min_seconds):
    for _ in range(3):
        call()
    start, calibration = time.perf_counter(), 0
    while time.perf_counter() - start < min_seconds / 4 or calibration < 2:
        call()
        calibration += 1
    calls = max(1, int(calibration * min_seconds / (time.perf_counter() - start)))
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(calls):
            call()
        best = min(best, (time.perf_counter() - t0) / calls)
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--optimizer", required=True)
    ap.add_argument("--params", required=True)
    ap.add_argument("--threads", type=int, default=torch.get_num_threads())
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--min-seconds", type=float, default=0.3)
    ap.add_argument("--no-foreach", action="store_true", help="single-tensor implementation instead of foreach")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    gen = torch.Generator().manual_seed(42)
    for n in (int(float(s)) for s in a.params.split(",")):
        for name in a.optimizer.split(","):
            p = (torch.rand(n, generator=gen) * 2 - 1).requires_grad_()
            p.grad = torch.rand(n, generator=gen) * 2 - 1
            opt = make(name, p, not a.no_foreach)
            seconds = fastest(opt.step, a.repeat, a.min_seconds)
            nbytes = BYTES_PER_PARAM[name] * n
            m = nbytes // 8
            src, dst = torch.ones(m), torch.empty(m)
            copy_seconds = fastest(lambda: dst.copy_(src), a.repeat, a.min_seconds)
            gbps, copy_gbps = nbytes / seconds / 1e9, nbytes / copy_seconds / 1e9
            row = {"optimizer": name, "params": n, "threads": a.threads, "ms_per_step": round(seconds * 1e3, 6),
                   "gb_per_s": round(gbps, 2), "copy_gb_per_s": round(copy_gbps, 2),
                   "bandwidth_fraction": round(gbps / copy_gbps, 3)}
            if a.json:
                print(json.dumps(row), flush=True)
            else:
                print(f"torch {name:8} N={n:<10} threads={a.threads}: {seconds * 1e3:9.4f} ms/step {gbps:7.1f} GB/s "
                      f"(copy {copy_gbps:.1f} GB/s, {100 * gbps / copy_gbps:.0f}%)", flush=True)


if __name__ == "__main__":
    main()
