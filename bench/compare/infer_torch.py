#!/usr/bin/python3
"""PyTorch's side of bench/compare/infer.sh: inference latency of the presets of train_torch.py in eval mode under
torch.no_grad() (PyTorch's no-autograd path, i.e. its best eager configuration) on a fixed random batch; median
microseconds per batch over rounds of SECONDS each after 3 s of warm-up. Prints the same JSON line as infer.cs.

  env -u OPENBLAS_CORETYPE /usr/bin/python3 bench/compare/infer_torch.py --model mlp --batch 1 --threads 1
"""
import argparse
import json
import statistics
import time

import torch

from train_torch import MODELS


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, choices=sorted(MODELS))
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--seconds", type=float, default=0.5)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = MODELS[a.model]().eval()
    x = torch.randn(a.batch, 1, 28, 28)
    with torch.no_grad():
        start = time.perf_counter()
        while time.perf_counter() - start < 3:
            model(x)
        rounds = []
        for _ in range(a.rounds):
            n, start = 0, time.perf_counter()
            while time.perf_counter() - start < a.seconds:
                model(x)
                n += 1
            rounds.append((time.perf_counter() - start) * 1e6 / n)
    us = statistics.median(rounds)
    print(json.dumps({"model": a.model, "batch": a.batch, "threads": a.threads, "us_per_batch": round(us, 1),
                      "samples_per_sec": round(a.batch * 1e6 / us)}))


if __name__ == "__main__":
    main()
