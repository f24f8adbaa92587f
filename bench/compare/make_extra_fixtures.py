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
    stateful = isinstance(m, nn.Module) and not module.endswith("Loss") and module != "HintonDistillation"
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
    conv = [
        ("conv2d_asym", dict(in_channels=2, out_channels=3, kernel_size=[2, 3], stride=[2, 1], padding=[1, 2], dilation=[2, 1], groups=1, bias=True), (2, 2, 6, 5)),
        ("conv2d_groups_bias", dict(in_channels=4, out_channels=4, kernel_size=[3, 3], stride=[1, 1], padding=[1, 1], dilation=[1, 1], groups=2, bias=True), (1, 4, 4, 4)),
        ("conv2d_1x1_unbatched", dict(in_channels=3, out_channels=2, kernel_size=[1, 1], stride=[1, 1], padding=[0, 0], dilation=[1, 1], groups=1, bias=False), (3, 3, 4)),
    ]
    for name, cfg, shape in conv:
        cfg["padding_mode"] = "zeros"
        single(c, name, "Conv2d", cfg, lambda cfg=cfg: nn.Conv2d(**cfg), r(*shape))
    tconv = [
        ("convt_asym", dict(in_channels=2, out_channels=2, kernel_size=[3, 2], stride=[2, 1], padding=[1, 0], output_padding=[1, 0], groups=1, bias=True, dilation=[1, 2]), (2, 2, 3, 3)),
        ("convt_groups_bias_unbatched", dict(in_channels=4, out_channels=6, kernel_size=[2, 2], stride=[2, 2], padding=[0, 0], output_padding=[0, 0], groups=2, bias=True, dilation=[1, 1]), (4, 2, 3)),
    ]
    for name, cfg, shape in tconv:
        cfg["padding_mode"] = "zeros"
        single(c, name, "ConvTranspose2d", cfg, lambda cfg=cfg: nn.ConvTranspose2d(**cfg), r(*shape))
    for name, cfg, shape in [
        ("maxpool_asym_ceil", dict(kernel_size=[3, 2], stride=[1, 2], padding=[1, 1], dilation=[1, 2], ceil_mode=True, return_indices=True), (2, 2, 5, 7)),
        ("maxpool_unbatched_values", dict(kernel_size=[2, 2], stride=[1, 1], padding=[0, 0], dilation=[1, 1], ceil_mode=False, return_indices=False), (2, 4, 4))]:
        def fwd(m, i, ri=cfg["return_indices"]):
            if ri:
                o, idx = m(i["input"])
                return {"output": o, "indices": idx}
            return {"output": m(i["input"])}
        record(c, name, "MaxPool2d", cfg, True, lambda cfg=cfg: nn.MaxPool2d(**cfg), {"input": r(*shape)}, fwd, ["input"])
    for name, cfg, shape in [
        ("avgpool_ceil_include", dict(kernel_size=[3, 3], stride=[2, 2], padding=[1, 1], ceil_mode=True, count_include_pad=True, divisor_override=None), (1, 2, 6, 5)),
        ("avgpool_divisor_pad", dict(kernel_size=[2, 3], stride=[1, 2], padding=[1, 1], ceil_mode=False, count_include_pad=False, divisor_override=4), (2, 1, 4, 5))]:
        single(c, name, "AvgPool2d", cfg, lambda cfg=cfg: nn.AvgPool2d(**cfg), r(*shape))
    single(c, "adaptive_avg_2x3", "AdaptiveAvgPool2d", {"output_size": [2, 3]}, lambda: nn.AdaptiveAvgPool2d((2, 3)), r(2, 2, 7, 5))
    single(c, "adaptive_avg_unbatched", "AdaptiveAvgPool2d", {"output_size": [3, 3]}, lambda: nn.AdaptiveAvgPool2d(3), r(2, 4, 6))
    record(c, "embedding_negative_padding", "Embedding", {"num_embeddings": 5, "embedding_dim": 3, "padding_idx": -1}, True,
           lambda: nn.Embedding(5, 3, padding_idx=-1), {"indices": torch.tensor([[[0, 4], [4, 2]], [[1, 1], [3, 0]]])},
           lambda m, i: {"output": m(i["indices"])}, [])
    single(c, "dropout_eval_identity", "Dropout", {"p": 0.5}, lambda: nn.Dropout(0.5), r(3, 4), training=False)
    single(c, "dropout_p0_train", "Dropout", {"p": 0.0}, lambda: nn.Dropout(0.0), r(3, 4))
    mha = [
        ("mha_bias_kv_zero_attn", dict(embed_dim=4, num_heads=2, bias=True, kdim=None, vdim=None, batch_first=False, dropout=0.0, add_bias_kv=True, add_zero_attn=True),
         dict(query=r(3, 2, 4), key=r(5, 2, 4), value=r(5, 2, 4), key_padding_mask=torch.tensor([[False, True, False, False, True], [False] * 5]),
              attn_mask=torch.rand(3, 5) > 0.7), True, True),
        ("mha_3d_float_mask_no_bias", dict(embed_dim=6, num_heads=2, bias=False, kdim=None, vdim=None, batch_first=True, dropout=0.0, add_bias_kv=False, add_zero_attn=False),
         dict(query=r(2, 3, 6), key=r(2, 4, 6), value=r(2, 4, 6), attn_mask=r(4, 3, 4)), True, False),
        ("mha_unbatched_kvdim_noweights", dict(embed_dim=4, num_heads=2, bias=True, kdim=3, vdim=5, batch_first=False, dropout=0.0, add_bias_kv=False, add_zero_attn=False),
         dict(query=r(3, 4), key=r(2, 3), value=r(2, 5), key_padding_mask=torch.tensor([False, True])), False, True),
    ]
    for name, cfg, ins, need, avg in mha:
        cfg2 = dict(cfg, need_weights=need, average_attn_weights=avg)

        def fwd(m, i, need=need, avg=avg):
            o, w = m(i["query"], i["key"], i["value"], key_padding_mask=i.get("key_padding_mask"), need_weights=need,
                     attn_mask=i.get("attn_mask"), average_attn_weights=avg)
            return {"attn_output": o} if w is None else {"attn_output": o, "attn_output_weights": w}
        record(c, name, "MultiheadAttention", cfg2, True, lambda cfg=cfg: nn.MultiheadAttention(**cfg), ins, fwd,
               ["query", "key", "value"], no_grad_outputs=("attn_output_weights",))
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
    single(c, "softmax_dim0_4d", "Softmax", {"dim": 0}, lambda: nn.Softmax(0), x.reshape(3, 2, 2, 5))
    single(c, "softmax_neg2", "Softmax", {"dim": -2}, lambda: nn.Softmax(-2), x)
    single(c, "log_softmax_2d", "LogSoftmax", {"dim": 1}, lambda: nn.LogSoftmax(1), x.reshape(6, 10) * 4)
    single(c, "hardswish_wide", "Hardswish", {}, lambda: nn.Hardswish(), x * 2)
    single(c, "tanh_wide", "Tanh", {}, lambda: nn.Tanh(), x * 4)
    single(c, "sigmoid_wide", "Sigmoid", {}, lambda: nn.Sigmoid(), x * 4)
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
    for red in ["none", "sum", "mean"]:
        w = torch.rand(5) + 0.3
        cfg = {"reduction": red, "weight": tensor(w), "ignore_index": 1, "label_smoothing": 0.3, "target_type": "class_indices"}
        loss_case(f"ce_kdim_smooth_ignore_{red}", "CrossEntropyLoss", cfg,
                  lambda red=red, w=w: nn.CrossEntropyLoss(weight=w, ignore_index=1, reduction=red, label_smoothing=0.3),
                  r(3, 5, 2) * 2, torch.tensor([[0, 1], [4, 2], [1, 3]]))
        cfg = {"reduction": red, "weight": tensor(w), "ignore_index": -100, "label_smoothing": 0.1, "target_type": "probabilities"}
        loss_case(f"ce_prob_kdim_{red}", "CrossEntropyLoss", cfg,
                  lambda red=red, w=w: nn.CrossEntropyLoss(weight=w, reduction=red, label_smoothing=0.1),
                  r(2, 5, 3), F.softmax(r(2, 5, 3), 1))
    loss_case("ce_unbatched", "CrossEntropyLoss", {"reduction": "mean", "weight": None, "ignore_index": -100, "label_smoothing": 0.0,
              "target_type": "class_indices"}, lambda: nn.CrossEntropyLoss(), r(4), torch.tensor(2))
    for T, alpha in [(1.0, 0.0), (3.0, 1.0), (2.5, 0.3)]:
        formula = ("loss = alpha * CE(student_logits, target) + (1 - alpha) * T^2 * KL, KL = (1/N) * sum_{n,c} p_t[n,c] * "
                   "(log p_t[n,c] - log_softmax(student_logits/T)[n,c]), p_t = softmax(teacher_logits/T, dim=1)")

        def distill(m, i, T=T, alpha=alpha):
            s_, t_ = i["student_logits"], i["teacher_logits"]
            ce = F.cross_entropy(s_, i["target"])
            pt = F.softmax(t_.detach() / T, dim=1)
            kl = (pt * (torch.log(pt) - F.log_softmax(s_ / T, dim=1))).sum() / s_.shape[0]
            return {"loss": alpha * ce + (1 - alpha) * T * T * kl, "ce": ce, "kl": kl}
        record(c, f"distill_T{T}_a{alpha}", "HintonDistillation", {"T": T, "alpha": alpha, "formula": formula}, True,
               lambda: None, {"student_logits": r(6, 4) * 2, "teacher_logits": r(6, 4) * 2, "target": torch.randint(0, 4, (6,))},
               distill, ["student_logits"], no_grad_outputs=("ce", "kl"))
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
