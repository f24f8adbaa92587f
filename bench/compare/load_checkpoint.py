#!/usr/bin/env python3
"""Load a Descent checkpoint (safetensors) into PyTorch and reproduce the model's predictions.

Uses only the Python standard library and torch (no `safetensors` package): the file is an 8-byte
little-endian header length, a JSON header {name: {dtype, shape, data_offsets}, "__metadata__": {...}},
then raw little-endian tensor bytes. Descent stores the model's PyTorch-style repr under the metadata key
"descent.model"; it is parsed with `ast` (no eval) and rebuilt from torch.nn classes.

    python3 load_checkpoint.py model.safetensors                 # rebuild, load strictly, print the model
    python3 load_checkpoint.py model.safetensors --io io.safetensors [--tol 1e-5]
        # io.safetensors holds "input" and "output" (Descent's eval-mode prediction); exits 1 on mismatch
"""
import argparse
import ast
import json
import struct
import sys

import torch
from torch import nn

DTYPES = {"F32": torch.float32, "F64": torch.float64, "F16": torch.float16, "BF16": torch.bfloat16, "I64": torch.int64,
          "BOOL": torch.bool}


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 8:
        raise ValueError(f"{path}: truncated ({len(raw)} bytes)")
    (n,) = struct.unpack("<Q", raw[:8])
    if 8 + n > len(raw):
        raise ValueError(f"{path}: header length {n} exceeds the file")
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", {}) or {}
    data = raw[8 + n:]
    tensors = {}
    for name, e in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0]):
        begin, end = e["data_offsets"]
        dtype = DTYPES[e["dtype"]]
        buf = bytearray(data[begin:end])
        t = torch.frombuffer(buf, dtype=dtype) if len(buf) else torch.empty(0, dtype=dtype)
        if sys.byteorder != "little" and t.element_size() > 1:
            t = torch.from_numpy(t.numpy().byteswap())
        tensors[name] = t.reshape(e["shape"]).clone()
    return tensors, meta


class Swish(nn.Module):
    """Descent's Swish with a learnable beta: x * sigmoid(beta * x)."""

    def __init__(self, beta=1.0):
        super().__init__()
        self.beta = nn.Parameter(torch.tensor([float(beta)]))

    def forward(self, x):
        return x * torch.sigmoid(self.beta * x)


class LSTMOutput(nn.LSTM):
    """Descent's LSTM used as a layer returns only the output sequence."""

    def forward(self, x, hx=None):
        return super().forward(x, hx)[0]


class NamedChildren(nn.Module):
    """A module built from its repr's (name, child) pairs, registered in order (so state-dict names match)."""

    def __init__(self, children):
        super().__init__()
        for name, module in children:
            self.add_module(name, module)


class Residual(NamedChildren):
    """Descent's Residual container: activation(body(x) + shortcut(x)); no shortcut child means the identity."""

    def forward(self, x):
        y = self.body(x) + (self.shortcut(x) if hasattr(self, "shortcut") else x)
        return self.activation(y) if hasattr(self, "activation") else y


class ResidualBlock(NamedChildren):
    """Descent's ResidualBlock (torchvision's BasicBlock): relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))."""

    def forward(self, x):
        y = self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x)))))
        return torch.relu(y + (self.downsample(x) if hasattr(self, "downsample") else x))


LEAVES = {name: getattr(nn, name) for name in [
    "Linear", "Conv1d", "Conv2d", "ConvTranspose2d", "MaxPool1d", "MaxPool2d", "AvgPool1d", "AvgPool2d",
    "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "BatchNorm1d",
    "BatchNorm2d", "LayerNorm", "Dropout", "Flatten", "Embedding", "Identity", "ReLU", "LeakyReLU", "PReLU",
    "ELU", "SELU", "GELU", "SiLU", "Sigmoid", "Tanh", "Softplus", "Hardswish", "Softmax", "LogSoftmax"]}
LEAVES["Swish"] = Swish
LEAVES["LSTM"] = LSTMOutput
CONTAINERS = {"Sequential": lambda children: nn.Sequential(*[m for _, m in children]),
              "ModuleList": lambda children: nn.ModuleList([m for _, m in children]),
              "Residual": Residual, "ResidualBlock": ResidualBlock}


def build_leaf(text):
    call = ast.parse(text.strip(), mode="eval").body
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name) or call.func.id not in LEAVES:
        raise ValueError(f"unsupported layer: {text.strip()}")
    args = [ast.literal_eval(a) for a in call.args]
    kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
    return LEAVES[call.func.id](*args, **kwargs)


def parse_repr(lines, i=0):
    """Parses the module starting at lines[i]; returns (its '(name): ' prefix or None, module, next index)."""
    line = lines[i].strip()
    name = None
    if line.startswith("("):
        prefix, line = line.split(": ", 1)
        name = prefix[1:-1]
    if line.endswith("(") and line[:-1] in CONTAINERS:
        children = []
        i += 1
        while lines[i].strip() != ")":
            child_name, child, i = parse_repr(lines, i)
            children.append((child_name, child))
        return name, CONTAINERS[line[:-1]](children), i + 1
    return name, build_leaf(line), i + 1


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("checkpoint")
    p.add_argument("--io", help="safetensors with 'input' and Descent's 'output'")
    p.add_argument("--tol", type=float, default=1e-5, help="max |torch - descent| relative to max(1, |descent|)")
    a = p.parse_args()

    state, meta = read_safetensors(a.checkpoint)
    if "descent.model" not in meta:
        sys.exit(f"{a.checkpoint}: no 'descent.model' metadata (was it written by Module.SaveCheckpoint?)")
    _, model, _ = parse_repr(meta["descent.model"].splitlines())
    dtypes = {t.dtype for t in state.values() if t.is_floating_point()}
    if dtypes:
        model = model.to(dtypes.pop())
    model.load_state_dict(state, strict=True)
    model.eval()
    print(model)
    print(f"loaded {len(state)} tensors, {sum(t.numel() for t in state.values())} values")
    if not a.io:
        return
    io, _ = read_safetensors(a.io)
    with torch.no_grad():
        out = model(io["input"])
    expected = io["output"].to(out.dtype)
    err = ((out - expected).abs() / expected.abs().clamp_min(1)).max().item()
    print(f"output {tuple(out.shape)}: max relative difference torch vs descent = {err:.3e} (tol {a.tol:g})")
    sys.exit(0 if err <= a.tol else 1)


if __name__ == "__main__":
    main()
