#!/usr/bin/env python3
"""Extra PyTorch reference cases for the module fixture tests (run by hand; needs torch).

Writes layers.json, activations.json and losses.json in the schema of tests/fixtures/README.md, with
hyper-parameters and shapes the public set does not cover (multi-layer/bidirectional LSTM, attention with
bias_kv / zero_attn / 3-D masks, batch norm without running stats, every reduction of every loss, ...).
Run the fixture tests against them with

    python3 bench/compare/make_extra_fixtures.py /tmp/extra-fixtures
    DESCENT_FIXTURES=/tmp/extra-fixtures dotnet test -c Release --filter Category=Fixtures
"""
import json
import math
import os
import sys

import torch
from torch import nn
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


def tensor(t):
    t = t.detach()
    kind = {torch.float64: "float64", torch.float32: "float64", torch.int64: "int64", torch.bool: "bool"}[t.dtype]
    data = t.reshape(-1).tolist()
    if kind == "float64":
        data = [float(v) for v in data]
    return {"dtype": kind, "shape": list(t.shape), "data": data}


def record(cases, name, module, config, training, build, inputs, forward, grad_inputs, no_grad_outputs=()):
    torch.manual_seed(len(cases) * 7919 + 17)
    m = build()
    # Loss modules register weight/pos_weight as buffers; the schema carries them in config instead.
    stateful = isinstance(m, nn.Module) and not module.endswith("Loss")
    if stateful:
        m.train(training)
        with torch.no_grad():
            for _, p in m.named_parameters():
                p.copy_(torch.randn_like(p) * 0.5 + (1.0 if p.dim() == 1 and "norm" in module.lower() else 0.0))
        params = {k: tensor(v) for k, v in m.named_parameters()}
        buffers = {k: tensor(v) for k, v in m.named_buffers()}
    else:
        params, buffers = {}, {}
    ins = {}
    for k, v in inputs.items():
        v = v.clone()
        if k in grad_inputs:
            v.requires_grad_(True)
        ins[k] = v
    outs = forward(m, ins)
    gos = {}
    total = 0
    for k, v in outs.items():
        if k in no_grad_outputs or not v.dtype.is_floating_point:
            continue
        go = torch.ones_like(v) if v.dim() == 0 else torch.randn_like(v)
        gos[k] = go
        total = total + (v * go).sum()
    total.backward()
    case = {
        "name": name, "module": module, "config": config, "training": training,
        "params": params, "buffers": buffers,
        "inputs": {k: tensor(v) for k, v in ins.items()},
        "outputs": {k: tensor(v) for k, v in outs.items()},
        "grad_outputs": {k: tensor(v) for k, v in gos.items()},
        "grad_inputs": {k: tensor(ins[k].grad if ins[k].grad is not None else torch.zeros_like(ins[k])) for k in grad_inputs},
        "grad_params": {k: tensor(p.grad if p.grad is not None else torch.zeros_like(p)) for k, p in m.named_parameters()} if stateful else {},
        "buffers_after": {k: tensor(v) for k, v in m.named_buffers()} if stateful else {},
        "notes": None,
    }
    cases.append(case)


def single(cases, name, module, config, build, x, training=True):
    record(cases, name, module, config, training, build, {"input": x}, lambda m, i: {"output": m(i["input"])}, ["input"])


def layers():
    c = []
    r = torch.randn
    single(c, "linear_1d_input", "Linear", {"in_features": 5, "out_features": 3, "bias": True}, lambda: nn.Linear(5, 3), r(5))
    single(c, "linear_4d_input", "Linear", {"in_features": 2, "out_features": 4, "bias": True}, lambda: nn.Linear(2, 4), r(2, 3, 1, 2))
    for mom, track, affine, train, shape, cls in [
        (None, True, True, True, (5, 3), "BatchNorm1d"), (0.3, False, True, True, (4, 3, 2), "BatchNorm1d"),
        (0.1, False, False, False, (3, 2, 2, 3), "BatchNorm2d"), (0.1, True, False, False, (4, 3, 2), "BatchNorm1d"),
        (None, True, True, True, (2, 3, 3, 2), "BatchNorm2d")]:
        cfg = {"num_features": shape[1], "eps": 1e-4, "momentum": mom, "affine": affine, "track_running_stats": track}
        ctor = getattr(nn, cls)

        def build(ctor=ctor, cfg=cfg):
            m = ctor(**cfg)
            if m.running_mean is not None:
                m.running_mean.copy_(torch.randn_like(m.running_mean))
                m.running_var.copy_(torch.rand_like(m.running_var) + 0.5)
                m.num_batches_tracked.fill_(4)
            return m
        single(c, f"{cls.lower()}_mom{mom}_track{track}_affine{affine}_train{train}", cls, cfg, build, r(*shape) * 2 + 1, training=train)
    single(c, "layernorm_three_dims", "LayerNorm", {"normalized_shape": [2, 3, 2], "eps": 1e-3, "elementwise_affine": True},
           lambda: nn.LayerNorm([2, 3, 2], eps=1e-3), r(2, 2, 3, 2) + 3)
    single(c, "layernorm_1d", "LayerNorm", {"normalized_shape": [4], "eps": 1e-5, "elementwise_affine": True},
           lambda: nn.LayerNorm(4), r(4))
    for layers_, bidir, bias, bf, unbatched, with_state in [(2, False, True, False, False, True), (1, True, True, True, False, False),
                                                              (2, True, False, True, False, True), (2, True, True, False, True, True)]:
        cfg = {"input_size": 3, "hidden_size": 2, "num_layers": layers_, "bias": bias, "batch_first": bf,
               "bidirectional": bidir, "dropout": 0.0}
        T, B, D = 4, 2, 2 if bidir else 1
        x = r(T, 3) if unbatched else (r(B, T, 3) if bf else r(T, B, 3))
        ins = {"input": x}
        if with_state:
            shape = (layers_ * D, 2) if unbatched else (layers_ * D, B, 2)
            ins["h_0"] = r(*shape)
            ins["c_0"] = r(*shape)

        def fwd(m, i):
            hx = (i["h_0"], i["c_0"]) if "h_0" in i else None
            o, (h, cc) = m(i["input"], hx)
            return {"output": o, "h_n": h, "c_n": cc}
        record(c, f"lstm_l{layers_}_bi{bidir}_bias{bias}_bf{bf}_unb{unbatched}", "LSTM", cfg, True,
               lambda cfg=cfg: nn.LSTM(**cfg), ins, fwd, list(ins))
    return c


def activations():
    c = []
    x = torch.randn(3, 4, 5) * 3
    x.view(-1)[:4] = torch.tensor([0.0, 3.0, -3.0, 25.0])
    single(c, "leaky_relu_big_slope", "LeakyReLU", {"negative_slope": 1.5}, lambda: nn.LeakyReLU(1.5), x)
    single(c, "prelu_4d", "PReLU", {"num_parameters": 4, "init": 0.1}, lambda: nn.PReLU(4, 0.1), x.reshape(3, 4, 5, 1))
    single(c, "elu_alpha2", "ELU", {"alpha": 2.0}, lambda: nn.ELU(2.0), x)
    single(c, "softplus_beta_half", "Softplus", {"beta": 0.5, "threshold": 3.0}, lambda: nn.Softplus(0.5, 3.0), x)
    single(c, "gelu_tanh_wide", "GELU", {"approximate": "tanh"}, lambda: nn.GELU("tanh"), x * 2)
    single(c, "silu_wide", "SiLU", {}, lambda: nn.SiLU(), x * 5)
    return c


def losses():
    c = []
    r = torch.randn

    def loss_case(name, module, cfg, ctor, inp, tgt, grad=("input",)):
        record(c, name, module, cfg, True, ctor, {"input": inp, "target": tgt},
               lambda m, i: {"loss": m(i["input"], i["target"])}, list(grad))
    for red in ["none", "sum", "mean"]:
        loss_case(f"huber_{red}", "HuberLoss", {"reduction": red, "delta": 0.3}, lambda red=red: nn.HuberLoss(red, 0.3), r(3, 4), r(3, 4))
        loss_case(f"smoothl1_{red}", "SmoothL1Loss", {"reduction": red, "beta": 0.7}, lambda red=red: nn.SmoothL1Loss(reduction=red, beta=0.7), r(3, 4), r(3, 4))
        loss_case(f"l1_{red}", "L1Loss", {"reduction": red}, lambda red=red: nn.L1Loss(reduction=red), r(2, 5), r(2, 5))
        loss_case(f"kl_{red}_logt", "KLDivLoss", {"reduction": red, "log_target": True}, lambda red=red: nn.KLDivLoss(reduction=red, log_target=True),
                  F.log_softmax(r(3, 4), 1), F.log_softmax(r(3, 4), 1))
        w = torch.rand(4) + 0.5
        loss_case(f"nll_3d_{red}", "NLLLoss", {"reduction": red, "weight": tensor(w), "ignore_index": 2, "target_type": "class_indices"},
                  lambda red=red, w=w: nn.NLLLoss(weight=w, ignore_index=2, reduction=red), F.log_softmax(r(3, 4, 2, 2), 1), torch.randint(0, 4, (3, 2, 2)))
        loss_case(f"bce_weight_col_{red}", "BCELoss", {"reduction": red, "weight": tensor(w[:3].reshape(3, 1)), "pos_weight": None},
                  lambda red=red, w=w: nn.BCELoss(weight=w[:3].reshape(3, 1), reduction=red), torch.rand(3, 5) * 0.98 + 0.01, torch.rand(3, 5))
        loss_case(f"bcel_pos_{red}", "BCEWithLogitsLoss", {"reduction": red, "weight": None, "pos_weight": tensor(w)},
                  lambda red=red, w=w: nn.BCEWithLogitsLoss(reduction=red, pos_weight=w), r(2, 3, 4) * 4, (torch.rand(2, 3, 4) > 0.5).double())
    return c


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "extra-fixtures"
    os.makedirs(out, exist_ok=True)
    for stem, fn in [("layers", layers), ("activations", activations), ("losses", losses)]:
        doc = {"schema_version": "1.0", "category": stem, "description": "extra cases", "fixture_set": "extra",
               "generator": "bench/compare/make_extra_fixtures.py", "torch_version": torch.__version__, "dtype": "float64",
               "cases": fn()}
        with open(os.path.join(out, stem + ".json"), "w") as f:
            json.dump(doc, f)
        print(f"{stem}: {len(doc['cases'])} cases")


if __name__ == "__main__":
    main()
