"""Generates histogram_observer.json: PyTorch 1.13's HistogramObserver (torch/ao/quantization/observer.py) on
seeded inputs, the expected histogram, min/max, the searched range and the qparams.

Run offline:  env -u OPENBLAS_CORETYPE /usr/bin/python3 histogram_observer.py > histogram_observer.json

torch 1.13's forward builds each histogram with torch.histc(x, bins, min=int(min_val), max=int(max_val)): the range
is truncated to integers, so values between int(max) and max are dropped (and min = max = 0 makes histc use the
data's own range). Descent uses the float range (what the code means; later PyTorch versions pass the float range
too). Cases marked "torch113": plain torch 1.13 where truncation changes nothing (one observed tensor whose min and
max are integers). Cases marked "float_range": torch 1.13's HistogramObserver with only forward's int() casts removed
(FloatRangeHistogramObserver below), everything else (combination of histograms, L2 range search) is 1.13's.
"""
import json
import torch
from torch.ao.quantization.observer import HistogramObserver


class FloatRangeHistogramObserver(HistogramObserver):
    def forward(self, x_orig):
        if x_orig.numel() == 0:
            return x_orig
        x = x_orig.detach()
        min_val = self.min_val
        max_val = self.max_val
        same_values = min_val.item() == max_val.item()
        is_uninitialized = min_val == float("inf") and max_val == float("-inf")
        if is_uninitialized or same_values:
            min_val, max_val = torch.aminmax(x)
            self.min_val.resize_(min_val.shape)
            self.min_val.copy_(min_val)
            self.max_val.resize_(max_val.shape)
            self.max_val.copy_(max_val)
            torch.histc(x, self.bins, min=min_val.item(), max=max_val.item(), out=self.histogram)
        else:
            new_min, new_max = torch.aminmax(x)
            combined_min = torch.min(new_min, min_val)
            combined_max = torch.max(new_max, max_val)
            (combined_min, combined_max, downsample_rate, start_idx) = self._adjust_min_max(
                combined_min, combined_max, self.upsample_rate)
            combined_histogram = torch.histc(x, self.bins, min=combined_min.item(), max=combined_max.item())
            if combined_min == min_val and combined_max == max_val:
                combined_histogram += self.histogram
            else:
                combined_histogram = self._combine_histograms(
                    combined_histogram, self.histogram, self.upsample_rate, downsample_rate, start_idx, self.bins)
            self.histogram.detach_().resize_(combined_histogram.shape)
            self.histogram.copy_(combined_histogram)
            self.min_val.detach_().resize_(combined_min.shape)
            self.min_val.copy_(combined_min)
            self.max_val.detach_().resize_(combined_max.shape)
            self.max_val.copy_(combined_max)
        return x_orig


def f32(t):
    return [float(v) for v in t.flatten().tolist()]


def case(name, kind, tensors, dtype=torch.quint8, qscheme=torch.per_tensor_affine, reduce_range=False, bins=2048):
    cls = HistogramObserver if kind == "torch113" else FloatRangeHistogramObserver
    obs = cls(bins=bins, dtype=dtype, qscheme=qscheme, reduce_range=reduce_range)
    for t in tensors:
        obs(t)
    new_min, new_max = obs._non_linear_param_search()
    scale, zp = obs.calculate_qparams()
    return {
        "name": name, "kind": kind, "bins": bins,
        "dtype": "quint8" if dtype == torch.quint8 else "qint8",
        "qscheme": "per_tensor_affine" if qscheme == torch.per_tensor_affine else "per_tensor_symmetric",
        "reduce_range": reduce_range,
        "inputs": [{"shape": list(t.shape), "values": f32(t)} for t in tensors],
        "histogram": f32(obs.histogram), "min_val": float(obs.min_val), "max_val": float(obs.max_val),
        "search_min": float(new_min), "search_max": float(new_max),
        "scale": float(scale[0] if scale.dim() else scale), "zero_point": int(zp[0] if zp.dim() else zp),
    }


g = torch.Generator().manual_seed(14)
cases = []
# One tensor, integer min and max: torch 1.13 exactly. Gaussian body plus a few outliers the search cuts off.
x = torch.randn(4000, generator=g)
x[0], x[1] = -6.0, 9.0
cases.append(case("gaussian_outliers_one_batch", "torch113", [x]))
r = torch.relu(torch.randn(64, 50, generator=g) * 1.5)
r[0, 0] = 0.0; r[0, 1] = 7.0
cases.append(case("relu_activations_one_batch", "torch113", [r]))
cases.append(case("symmetric_qint8_one_batch", "torch113", [x], dtype=torch.qint8, qscheme=torch.per_tensor_symmetric))
cases.append(case("reduce_range_one_batch", "torch113", [r], reduce_range=True))
# Several tensors with growing ranges: histograms combined (upsampling 128, downsampling), float range.
batches = [torch.relu(torch.randn(32, 40, generator=g) * s) for s in (0.5, 0.8, 1.3, 0.7)]
cases.append(case("relu_growing_range_four_batches", "float_range", batches))
mixed = [torch.randn(500, generator=g) * s + m for s, m in ((1.0, 0.0), (2.0, 1.0), (0.5, -1.0))]
cases.append(case("shifting_gaussians_three_batches", "float_range", mixed))
cases.append(case("symmetric_three_batches", "float_range", mixed, dtype=torch.qint8, qscheme=torch.per_tensor_symmetric))
# Same range twice: histograms simply added.
same = torch.rand(300, generator=g) * 3.0
cases.append(case("same_range_two_batches", "float_range", [same, same.flip(0)]))
print(json.dumps({"torch": torch.__version__, "cases": cases}))
