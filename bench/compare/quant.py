"""PyTorch 1.13 side of bench/compare/quant.sh: float32 and int8 inference of the Descent presets.

For every quantized engine this torch build has (onednn, qnnpack; fbgemm where present) it times the float32 model and
its torch.ao.quantization.quantize_dynamic conversion (Linear layers -> int8, as Descent's `bench quant model`), with the
same protocol as Descent: float32 and int8 alternately, `--repeat` blocks of at least `--min-seconds` each, medians;
one thread is timed in thread CPU time (time.thread_time), more threads in wall-clock time. One JSON line per
(model, batch, engine).
"""
import argparse
import json
import time

import torch
import torch.nn as nn


def mlp():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))


def lenet5():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


MODELS = {"mlp": mlp, "lenet5": lenet5}


def block(fn, clock, min_seconds):
    calls, start = 0, clock()
    while True:
        fn()
        calls += 1
        elapsed = clock() - start
        if elapsed >= min_seconds:
            return elapsed / calls


def median(xs):
    s = sorted(xs)
    h = len(s) // 2
    return s[h] if len(s) % 2 else (s[h - 1] + s[h]) / 2


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="mlp", choices=sorted(MODELS))
    p.add_argument("--batch", default="1,64,256")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--min-seconds", type=float, default=0.3)
    p.add_argument("--engines", default=",".join(e for e in torch.backends.quantized.supported_engines if e != "none"))
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    clock = time.thread_time if a.threads == 1 else time.perf_counter
    model = MODELS[a.model]().eval()
    for engine in a.engines.split(","):
        torch.backends.quantized.engine = engine
        q = torch.ao.quantization.quantize_dynamic(MODELS[a.model]().eval(), {nn.Linear}, dtype=torch.qint8)
        q.load_state_dict(torch.ao.quantization.quantize_dynamic(model, {nn.Linear}, dtype=torch.qint8).state_dict())
        for b in (int(x) for x in a.batch.split(",")):
            x = torch.rand(b, 1, 28, 28)
            with torch.inference_mode():
                for _ in range(20):
                    model(x)
                    q(x)
                f, i, r = [], [], []
                for _ in range(a.repeat):
                    f.append(block(lambda: model(x), clock, a.min_seconds))
                    i.append(block(lambda: q(x), clock, a.min_seconds))
                    r.append(f[-1] / i[-1])
            print(json.dumps({"op": "quant_model", "impl": "torch", "engine": engine, "model": a.model, "batch": b,
                              "threads": a.threads, "forward": {"f32_seconds": median(f), "int8_seconds": median(i),
                                                                "ratio": median(r)}}), flush=True)


if __name__ == "__main__":
    main()
