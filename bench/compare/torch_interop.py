#!/usr/bin/env python3
"""PyTorch side of the safetensors interop checks (tests/Descent.Tests/Serialization/PyTorchInteropTests.cs).

Standard library + torch only (no `safetensors` package); the reader is load_checkpoint.py's.

    python3 torch_interop.py state-dict DIR    # torch models' state_dicts + inputs/outputs, for Descent to load
    python3 torch_interop.py halves X F16 BF16 OUT
        # X holds float32 "x"; F16/BF16 hold Descent's F16/BF16 "x": checked bit for bit against torch's x.half() and
        # x.bfloat16(); OUT receives torch's "h" and "b" for Descent to read
"""
import json
import os
import struct
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from load_checkpoint import read_safetensors  # noqa: E402

NAMES = {torch.float32: "F32", torch.float64: "F64", torch.float16: "F16", torch.bfloat16: "BF16", torch.int64: "I64",
         torch.bool: "BOOL"}


def write_safetensors(path, tensors):
    """safetensors layout: 8-byte header length, JSON header, raw little-endian bytes in header order."""
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        raw = t.view(torch.int16).numpy().tobytes() if t.dtype in (torch.float16, torch.bfloat16) else t.numpy().tobytes()
        header[name] = {"dtype": NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def randomized(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=g) * 0.3)
        for m in model.modules():
            if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
                m.running_mean.copy_(torch.randn(m.running_mean.shape, generator=g) * 0.5)
                m.running_var.copy_(torch.rand(m.running_var.shape, generator=g) + 0.5)
                m.num_batches_tracked.fill_(7)
    return model.eval()


def state_dict(folder):
    models = {
        "cnn": (nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                              nn.Linear(64, 5)), (3, 1, 8, 8)),
        "conv1d": (nn.Sequential(nn.Conv1d(3, 6, 5, padding=2), nn.BatchNorm1d(6), nn.GELU(), nn.MaxPool1d(2),
                                 nn.AdaptiveAvgPool1d(1), nn.Flatten(), nn.Linear(6, 4)), (2, 3, 16)),
        "lstm": (nn.LSTM(5, 7, num_layers=2, batch_first=True), (2, 4, 5)),
    }
    for i, (name, (model, shape)) in enumerate(models.items()):
        model = randomized(model, i)
        x = torch.randn(shape, generator=torch.Generator().manual_seed(100 + i))
        with torch.no_grad():
            y = model(x)
        if isinstance(y, tuple):
            y = y[0]
        write_safetensors(os.path.join(folder, f"{name}.safetensors"), model.state_dict())
        write_safetensors(os.path.join(folder, f"{name}_io.safetensors"), {"input": x, "output": y})


def halves(x_path, f16_path, bf16_path, out):
    x = read_safetensors(x_path)[0]["x"]
    bad = []
    for path, dtype in ((f16_path, torch.float16), (bf16_path, torch.bfloat16)):
        key = os.path.basename(path)
        ours, theirs = read_safetensors(path)[0]["x"].view(torch.int16), x.to(dtype).view(torch.int16)
        if not torch.equal(ours, theirs):
            i = (ours != theirs).nonzero()[0].item()
            bad.append(f"{key}[{i}]: descent bits {ours[i].item() & 0xFFFF:#06x}, torch {theirs[i].item() & 0xFFFF:#06x} for {x[i].item()!r}")
    write_safetensors(out, {"h": x.half(), "b": x.bfloat16()})
    if bad:
        sys.exit("; ".join(bad))
    print(f"F16/BF16 of {x.numel()} values: bit-identical to torch")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "state-dict":
        state_dict(sys.argv[2])
    elif len(sys.argv) == 6 and sys.argv[1] == "halves":
        halves(*sys.argv[2:])
    else:
        sys.exit(__doc__)
