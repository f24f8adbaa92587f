#!/usr/bin/python3
"""Optuna's side of `descent bench tune` (Optuna 3.1, Debian python3-optuna), same cases and JSON format.

  /usr/bin/python3 bench/compare/tuning.py --sampler tpe --trials 1000 --params 5 --json
  /usr/bin/python3 bench/compare/tuning.py --quality --objective branin --sampler tpe,random --seeds 20 --json
  /usr/bin/python3 bench/compare/tuning.py --quality --objective camel,ackley5,mixed --sampler tpe --seeds 3 --json

Overhead: one in-memory study of N trials on the sum of squares of D floats x0..x{D-1} in [-5, 5]; each trial's wall
time is the gap between study.optimize callbacks, and the sampler's share is the time inside its methods (the sampler
is wrapped the way Descent's TimedSampler wraps its samplers). Quality: one study of N trials per seed 0..K-1 on the
same test functions, parameter names and ranges as Descent's BenchmarkFunctions (sphere, branin, hartmann6,
rosenbrock10, camel, sphere2, sphere10, rosenbrock4, ackley5, styblinski5, rastrigin5, levy5, griewank5, logmix, mixed);
prints the median best value.
Samplers Optuna 3.1 cannot run here print {"sampler": ..., "unavailable": reason}: it has no GP sampler (GPSampler
arrived in Optuna 3.6; the skopt/BoTorch integrations are not installed), and its QMCSampler needs SciPy (absent).
"""
import argparse
import json
import math
import statistics
import time
import warnings

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)
warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)

UNAVAILABLE = {
    "gp": "Optuna 3.1 has no GP sampler (GPSampler arrived in 3.6; skopt/BoTorch integrations not installed)",
}


def make_sampler(name, seed):
    if name in ("tpe", "tpe-univariate"):  # Optuna's default TPE is univariate
        return optuna.samplers.TPESampler(seed=seed)
    if name == "tpe-multivariate":
        return optuna.samplers.TPESampler(seed=seed, multivariate=True)
    if name == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    if name == "cmaes":
        return optuna.samplers.CmaEsSampler(seed=seed)
    if name == "qmc":
        return optuna.samplers.QMCSampler(seed=seed)
    raise SystemExit(f"tuning.py: unknown sampler {name!r}")


def unavailable(name):
    if name in UNAVAILABLE:
        return UNAVAILABLE[name]
    if name == "qmc":
        try:
            import scipy.stats.qmc  # noqa: F401  (Optuna's QMCSampler needs it)
        except ImportError:
            return "Optuna's QMCSampler needs SciPy, which is not installed"
    return None


class TimedSampler(optuna.samplers.BaseSampler):
    """Delegates to a sampler and accumulates the time spent in it."""

    def __init__(self, inner):
        self.inner = inner
        self.seconds = 0.0

    def _timed(self, fn, *args):
        t0 = time.perf_counter()
        try:
            return fn(*args)
        finally:
            self.seconds += time.perf_counter() - t0

    def infer_relative_search_space(self, study, trial):
        return self._timed(self.inner.infer_relative_search_space, study, trial)

    def sample_relative(self, study, trial, search_space):
        return self._timed(self.inner.sample_relative, study, trial, search_space)

    def sample_independent(self, study, trial, param_name, param_distribution):
        return self._timed(self.inner.sample_independent, study, trial, param_name, param_distribution)

    def after_trial(self, study, trial, state, values):
        return self._timed(self.inner.after_trial, study, trial, state, values)

    def reseed_rng(self):
        self.inner.reseed_rng()


def box(t, dims, low, high):
    return [t.suggest_float(f"x{i}", low, high) for i in range(dims)]


def sphere(dims):
    names = [f"x{i}" for i in range(dims)]  # built once: the overhead benchmark should not time string formatting
    return lambda t: sum(t.suggest_float(n, -5, 5) ** 2 for n in names)


def branin(t):
    x1, x2 = t.suggest_float("x0", -5, 10), t.suggest_float("x1", 0, 15)
    b, c, s = 5.1 / (4 * math.pi ** 2), 5 / math.pi, 1 / (8 * math.pi)
    return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - s) * math.cos(x1) + 10


ALPHA = [1.0, 1.2, 3.0, 3.2]
A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
P = [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
     [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]]


def hartmann6(t):
    x = box(t, 6, 0, 1)
    return -sum(ALPHA[i] * math.exp(-sum(A[i][j] * (x[j] - P[i][j] * 1e-4) ** 2 for j in range(6))) for i in range(4))


def rosenbrock_fn(x):
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(len(x) - 1))


# The functions held out from the TPE-defaults tuning (Surjanovic & Bingham's Virtual Library of Simulation
# Experiments), written like Descent's BenchmarkFunctions so both sides evaluate the same formulas.
def camel(t):
    x1, x2 = t.suggest_float("x0", -3, 3), t.suggest_float("x1", -2, 2)
    a, b = x1 * x1, x2 * x2
    return (4 - 2.1 * a + a * a / 3) * a + x1 * x2 + (-4 + 4 * b) * b


def ackley_fn(x):
    d = len(x)
    squares, cosines = sum(v * v for v in x), sum(math.cos(2 * math.pi * v) for v in x)
    return -20 * math.exp(-0.2 * math.sqrt(squares / d)) - math.exp(cosines / d) + 20 + math.e


def styblinski_fn(x):
    return 0.5 * sum(v * v * v * v - 16 * v * v + 5 * v for v in x)


def rastrigin_fn(x):
    return 10.0 * len(x) + sum(v * v - 10 * math.cos(2 * math.pi * v) for v in x)


def levy_fn(x):
    w = [1 + (v - 1) / 4 for v in x]
    s = math.sin(math.pi * w[0]) ** 2
    s += sum((wi - 1) ** 2 * (1 + 10 * math.sin(math.pi * wi + 1) ** 2) for wi in w[:-1])
    return s + (w[-1] - 1) ** 2 * (1 + math.sin(2 * math.pi * w[-1]) ** 2)


def griewank_fn(x):
    p = 1.0
    for i, v in enumerate(x):
        p *= math.cos(v / math.sqrt(i + 1))
    return sum(v * v for v in x) / 4000 - p + 1


def logmix(t):
    lr = t.suggest_float("lr", 1e-5, 1, log=True)
    h = t.suggest_int("h", 8, 512, log=True)
    dr = t.suggest_float("dr", 0, 0.9)
    lg, hh, d = math.log10(lr), math.log2(h) - 7.3, dr - 0.2
    return (lg + 2.5) ** 2 + hh * hh / 4 + 3 * d * d + 0.3 * math.sin(5 * lg)


def mixed(t):
    lr = t.suggest_float("lr", 1e-5, 1, log=True)
    drop = t.suggest_float("drop", 0, 0.5, step=0.125)
    layers = t.suggest_int("layers", 1, 9, step=2)
    width = t.suggest_int("width", 8, 512, log=True)
    opt = t.suggest_categorical("opt", ["sgd", "adam", "rmsprop"])
    bn = t.suggest_categorical("bn", [True, False])
    lg = math.log10(lr) + 3
    return (lg * lg + 4 * abs(drop - 0.25) + abs(layers - 5) + abs(math.log2(width) - 6)
            + (0 if opt == "adam" else 3) + (0 if bn else 2))


OBJECTIVES = {
    "branin": branin,
    "hartmann6": hartmann6,
    "rosenbrock10": lambda t: rosenbrock_fn(box(t, 10, -5, 10)),
    "camel": camel,
    "sphere2": sphere(2),
    "sphere10": sphere(10),
    "rosenbrock4": lambda t: rosenbrock_fn(box(t, 4, -5, 10)),
    "ackley5": lambda t: ackley_fn(box(t, 5, -32.768, 32.768)),
    "styblinski5": lambda t: styblinski_fn(box(t, 5, -5, 5)),
    "rastrigin5": lambda t: rastrigin_fn(box(t, 5, -5.12, 5.12)),
    "levy5": lambda t: levy_fn(box(t, 5, -10, 10)),
    "griewank5": lambda t: griewank_fn(box(t, 5, -600, 600)),
    "logmix": logmix,
    "mixed": mixed,
}


def objective(name, dims):
    if name == "sphere":
        return sphere(dims)
    if name not in OBJECTIVES:
        raise SystemExit(f"tuning.py: unknown objective {name!r} (sphere, {', '.join(OBJECTIVES)})")
    return OBJECTIVES[name]


def overhead(name, trials, dims, seed, window):
    timed = TimedSampler(make_sampler(name, seed))
    study = optuna.create_study(sampler=timed, pruner=optuna.pruners.NopPruner())
    trial_s, sampler_s = [], []
    state = {"last": time.perf_counter(), "last_sampler": 0.0}

    def record(study, trial):
        now = time.perf_counter()
        trial_s.append(now - state["last"])
        sampler_s.append(timed.seconds - state["last_sampler"])
        state["last"], state["last_sampler"] = now, timed.seconds

    state["last"] = time.perf_counter()
    study.optimize(objective("sphere", dims), n_trials=trials, callbacks=[record])
    w = min(window, trials)
    return {"sampler": name, "trials": trials, "params": dims, "seed": seed, "window": w,
            f"ms_per_trial_last{w}": 1e3 * sum(trial_s[-w:]) / w,
            f"sampler_ms_per_trial_last{w}": 1e3 * sum(sampler_s[-w:]) / w}


def quality(obj, name, trials, seeds, dims):
    best = []
    for s in range(seeds):
        study = optuna.create_study(sampler=make_sampler(name, s), pruner=optuna.pruners.NopPruner())
        study.optimize(objective(obj, dims), n_trials=trials)
        best.append(study.best_value)
    return {"objective": obj, "sampler": name, "trials": trials, "seeds": seeds,
            "median_best": statistics.median(best), "best": best}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sampler", required=True)
    ap.add_argument("--trials", type=int)
    ap.add_argument("--params", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--window", type=int, default=100)
    ap.add_argument("--quality", action="store_true")
    ap.add_argument("--objective", default="")
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    samplers = [s for s in args.sampler.split(",") if s]
    if args.quality:
        for obj in [o for o in args.objective.split(",") if o]:
            for name in samplers:
                row = ({"objective": obj, "sampler": name, "unavailable": unavailable(name)} if unavailable(name)
                       else quality(obj, name, args.trials or 100, args.seeds, args.params))
                print(json.dumps(row) if args.json else row, flush=True)
        return
    for name in samplers:
        row = ({"sampler": name, "unavailable": unavailable(name)} if unavailable(name)
               else overhead(name, args.trials or 1000, args.params, args.seed, args.window))
        print(json.dumps(row) if args.json else row, flush=True)


if __name__ == "__main__":
    main()
