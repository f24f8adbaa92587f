#!/usr/bin/python3
"""PyTorch's side of `descent bench train`: the same preset models (src/Descent/Training/Experiments/ModelPresets.cs),
Adam(lr), CrossEntropyLoss, shuffled batches of Fashion-MNIST normalized with the standard mean/std and held in memory
as tensors (batches are index_select'ed from them: no torch DataLoader, no per-sample Python). Same timing rules (W
warm-up steps, then S timed steps or E whole epochs) and the same JSON line.

  env -u OPENBLAS_CORETYPE /usr/bin/python3 bench/compare/train_torch.py --model mlp --batch 64 --threads 1 --json

Run it with OPENBLAS_CORETYPE unset: the environment's Haswell setting forces OpenBLAS's AVX2 kernels.
"""
import argparse
import gzip
import json
import math
import os
import struct
import sys
import time

import numpy as np
import torch
from torch import nn

from load_checkpoint import Residual  # same folder: Descent's Residual container in torch

MEAN, STD = 0.2860, 0.3530
DEBIAN_DIR = "/usr/share/datasets/fashion-mnist"
EMBEDDED_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src", "Descent", "Data", "Embedded")


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    _, _, dtype, ndim = struct.unpack(">BBBB", data[:4])
    if dtype != 0x08:
        raise SystemExit(f"{path}: expected unsigned-byte IDX data")
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def find(directory, name):
    for candidate in (name, name[:-3]):
        path = os.path.join(directory, candidate)
        if os.path.exists(path):
            return path
    return None


def load(directory, split):
    prefix = "train" if split == "train" else "t10k"
    images = read_idx(find(directory, f"{prefix}-images-idx3-ubyte.gz"))
    labels = read_idx(find(directory, f"{prefix}-labels-idx1-ubyte.gz"))
    x = torch.from_numpy(((images.astype(np.float32) / 255.0 - MEAN) / STD).reshape(-1, 1, 28, 28).copy())
    y = torch.from_numpy(labels.astype(np.int64))
    return x, y


def data_dir(given):
    if given:
        return given
    if all(find(DEBIAN_DIR, f) for f in ("train-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte.gz")):
        return DEBIAN_DIR
    return EMBEDDED_DIR


def mlp(batch_norm):
    layers = [nn.Flatten()]
    width = 784
    for h in (256, 128):
        layers.append(nn.Linear(width, h, bias=not batch_norm))
        if batch_norm:
            layers.append(nn.BatchNorm1d(h))
        layers.append(nn.ReLU())
        width = h
    layers.append(nn.Linear(width, 10))
    return nn.Sequential(*layers)


def lenet5():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10))


def cnn_small():
    layers, in_c = [], 1
    for out_c in (32, 64):
        layers += [nn.Conv2d(in_c, out_c, 3, padding=1, bias=False), nn.BatchNorm2d(out_c), nn.ReLU(),
                   nn.Conv2d(out_c, out_c, 3, padding=1, bias=False), nn.BatchNorm2d(out_c), nn.ReLU(),
                   nn.MaxPool2d(2)]
        in_c = out_c
    layers += [nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Dropout(0.25), nn.Linear(128, 10)]
    return nn.Sequential(*layers)


def resnet_small():
    """Descent's resnet-small preset: stem, basic blocks of 16/32/64 channels (projection when the shape changes), GAP."""
    layers, in_c = [nn.Conv2d(1, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU()], 16
    for out_c, stride in ((16, 1), (32, 2), (64, 2)):
        body = nn.Sequential(nn.Conv2d(in_c, out_c, 3, stride, 1, bias=False), nn.BatchNorm2d(out_c), nn.ReLU(),
                             nn.Conv2d(out_c, out_c, 3, padding=1, bias=False), nn.BatchNorm2d(out_c))
        children = [("body", body)]
        if stride != 1 or in_c != out_c:
            children.append(("shortcut", nn.Sequential(nn.Conv2d(in_c, out_c, 1, stride, bias=False), nn.BatchNorm2d(out_c))))
        layers.append(Residual(children + [("activation", nn.ReLU())]))
        in_c = out_c
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(in_c, 10)]
    return nn.Sequential(*layers)


MODELS = {"mlp": lambda: mlp(False), "mlp-bn": lambda: mlp(True), "lenet5": lenet5, "cnn-small": cnn_small,
          "resnet-small": resnet_small}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, choices=sorted(MODELS))
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--threads", type=int, default=torch.get_num_threads())
    group = ap.add_mutually_exclusive_group()
    group.add_argument("--epochs", type=int)
    group.add_argument("--steps", type=int)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--warmup-seconds", type=float)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--schedule", choices=("constant", "cosine"), default="constant")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--data-dir")
    ap.add_argument("--foreach", action="store_true", help="Adam(foreach=True), PyTorch 1.13's multi-tensor update")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)

    directory = data_dir(a.data_dir)
    x_train, y_train = load(directory, "train")
    x_test, y_test = load(directory, "test")
    print(f"train_torch: {a.model}, batch {a.batch}, {a.threads} thread(s), {directory}", file=sys.stderr)

    model = MODELS[a.model]()
    opt = torch.optim.Adam(model.parameters(), lr=a.lr, foreach=a.foreach)
    loss_fn = nn.CrossEntropyLoss()
    n = x_train.shape[0]
    per_epoch = (n + a.batch - 1) // a.batch
    steps = a.steps if a.steps is not None else 1000
    warmup_seconds = a.warmup_seconds if a.warmup_seconds is not None else (3.0 if a.epochs is None else 0.0)
    if a.schedule == "cosine" and a.epochs is None:
        raise SystemExit("train_torch.py: --schedule cosine needs --epochs")
    epochs = a.epochs if a.epochs is not None else 1 << 30
    total = per_epoch * epochs
    if total <= a.warmup:
        raise SystemExit("train_torch.py: nothing to time after the warm-up")

    model.train()
    step, samples, timed, start = 0, 0, 0, None
    begin = time.perf_counter()
    gen = torch.Generator().manual_seed(a.seed)
    for epoch in range(epochs):
        order = torch.randperm(n, generator=gen)
        for b in range(per_epoch):
            if a.schedule == "cosine":
                for g in opt.param_groups:
                    g["lr"] = 0.5 * a.lr * (1 + math.cos(math.pi * step / total))
            idx = order[b * a.batch:(b + 1) * a.batch]
            x, y = x_train.index_select(0, idx), y_train.index_select(0, idx)
            loss = loss_fn(model(x), y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            loss.item()
            step += 1
            if start is None:
                # Same rule as descent bench train: at least W steps and SEC seconds of warm-up.
                if step >= a.warmup and time.perf_counter() - begin >= warmup_seconds:
                    start = time.perf_counter()
                continue
            samples += x.shape[0]
            timed += 1
            if (a.epochs is None and timed == steps) or step >= total:
                break
        if (a.epochs is None and timed == steps) or step >= total:
            break
    if start is None:
        raise SystemExit("train_torch.py: training ended during the warm-up; nothing was timed")
    seconds = time.perf_counter() - start

    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, x_test.shape[0], 1000):
            correct += (model(x_test[i:i + 1000]).argmax(1) == y_test[i:i + 1000]).sum().item()
    row = {"model": a.model, "batch": a.batch, "threads": a.threads, "samples_per_sec": round(samples / seconds, 1),
           "alloc_bytes_per_step": None, "test_accuracy": round(correct / x_test.shape[0], 4),
           "steps": timed, "seconds": round(seconds, 3), "epochs": (step + per_epoch - 1) // per_epoch, "lr": a.lr,
           "schedule": a.schedule, "foreach": a.foreach}
    if a.json:
        print(json.dumps(row))
    else:
        print(f"{a.model} batch={a.batch} threads={a.threads}: {row['samples_per_sec']:10.0f} samples/s  "
              f"test accuracy {row['test_accuracy']:.4f}  ({row['steps']} timed steps in {seconds:.2f} s)")


if __name__ == "__main__":
    main()
