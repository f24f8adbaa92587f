#!/usr/bin/env python3
"""The reference side of `descent bench blackbox` (bench/compare/blackbox.sh runs both and prints the ratios).

Runs DEAP 1.3 (Debian python3-deap) and SciPy (python3-scipy) on the problems of Descent's BlackBoxBenchmark, with the
same bounds and formulas (DEAP's benchmarks module, which Descent's functions follow), at a fixed number of function
evaluations, and prints one JSON line per (problem, method) in the format of `descent bench blackbox --json`:

  deap-overview  eaSimple with the operators of DEAP's overview: two-point crossover, Gaussian mutation (indpb 0.1,
                 sigma 0.1 x range -- the overview's sigma 1 on [0, 1] -- clipped to the box), tournaments of 3,
                 cxpb 0.5, mutpb 0.2, population 100
  deap-sbx       eaSimple with bounded SBX (eta 20), bounded polynomial mutation (eta 20, indpb 1/n), tournaments of 3,
                 cxpb 0.5, mutpb 0.2, population 100
  dual-annealing scipy.optimize.dual_annealing with its defaults and maxfun = the evaluations
  deap-nsga2     DEAP's NSGA-II example (examples/ga/nsga2.py): MU 100, selTournamentDCD, SBX (eta 20) with CXPB 0.9,
                 polynomial mutation (eta 20, indpb 1/n), selNSGA2 survival -- for the multi-objective problems

eaSimple evaluates only the individuals that variation changed; the last generation is cut at the budget. The best
value is the best of every evaluation; the hypervolume (DEAP's own hv module) and IGD are those of the non-dominated
points among every evaluation, as Descent reports them.

  /usr/bin/python3 bench/compare/blackbox.py --method deap-sbx,dual-annealing --problem rastrigin10 --evaluations 10000 --seeds 20
  /usr/bin/python3 bench/compare/blackbox.py --overhead --population 100 --generations 100
"""
import argparse
import json
import math
import random
import time

import numpy as np
from deap import algorithms, base, benchmarks, creator, tools
from deap.tools._hypervolume import hv
from scipy.optimize import dual_annealing

creator.create("FitnessMin", base.Fitness, weights=(-1.0,))
creator.create("Individual", list, fitness=creator.FitnessMin)
creator.create("FitnessMin2", base.Fitness, weights=(-1.0, -1.0))
creator.create("Individual2", list, fitness=creator.FitnessMin2)
creator.create("FitnessMin3", base.Fitness, weights=(-1.0, -1.0, -1.0))
creator.create("Individual3", list, fitness=creator.FitnessMin3)


def zdt_front(problem, points=1000):
    f1 = np.linspace(0, 1, points)
    if problem == 1:
        f2 = 1 - np.sqrt(f1)
    elif problem == 2:
        f2 = 1 - f1 ** 2
    else:
        f2 = 1 - np.sqrt(f1) - f1 * np.sin(10 * np.pi * f1)
    front = np.stack([f1, f2], axis=1)
    return non_dominated(front) if problem == 3 else front


def dtlz2_front(divisions=30):
    pts = []
    for a in range(divisions + 1):
        for b in range(divisions + 1):
            u, v = 0.5 * math.pi * a / divisions, 0.5 * math.pi * b / divisions
            pts.append([math.cos(u) * math.cos(v), math.cos(u) * math.sin(v), math.sin(u)])
    return np.array(pts)


def non_dominated(points):
    points = np.asarray(points, dtype=float)
    keep = []
    for i, p in enumerate(points):
        dominated = np.any(np.all(points <= p, axis=1) & np.any(points < p, axis=1))
        if not dominated:
            keep.append(i)
    return points[keep]


# name -> (dimensions, low, high, objective returning a tuple, reference point, true front)
PROBLEMS = {
    "rastrigin10": (10, -5.12, 5.12, benchmarks.rastrigin, None, None),
    "ackley10": (10, -32.768, 32.768, benchmarks.ackley, None, None),
    "rosenbrock10": (10, -5.0, 10.0, benchmarks.rosenbrock, None, None),
    "griewank10": (10, -600.0, 600.0, benchmarks.griewank, None, None),
    "schwefel10": (10, -500.0, 500.0, benchmarks.schwefel, None, None),
    "zdt1": (30, 0.0, 1.0, benchmarks.zdt1, [11.0, 11.0], zdt_front(1)),
    "zdt2": (30, 0.0, 1.0, benchmarks.zdt2, [11.0, 11.0], zdt_front(2)),
    "zdt3": (30, 0.0, 1.0, benchmarks.zdt3, [11.0, 11.0], zdt_front(3)),
    "dtlz2": (12, 0.0, 1.0, lambda x: benchmarks.dtlz2(x, 3), [2.5, 2.5, 2.5], dtlz2_front()),
}


class Budget:
    """Counts evaluations and records every objective vector."""

    def __init__(self, f, limit):
        self.f, self.limit, self.count, self.values = f, limit, 0, []

    def __call__(self, x):
        self.count += 1
        v = self.f(list(x))
        self.values.append(v)
        return v


def clip(low, high):
    def decorator(func):
        def wrapper(*args, **kwargs):
            offspring = func(*args, **kwargs)
            for child in offspring:
                for i in range(len(child)):
                    child[i] = min(max(child[i], low), high)
            return offspring
        return wrapper
    return decorator


def ea_simple(problem, evaluations, seed, config):
    n, low, high, f, _, _ = PROBLEMS[problem]
    random.seed(seed)
    budget = Budget(f, evaluations)
    tb = base.Toolbox()
    tb.register("attr", random.uniform, low, high)
    tb.register("individual", tools.initRepeat, creator.Individual, tb.attr, n)
    tb.register("population", tools.initRepeat, list, tb.individual)
    if config == "deap-overview":
        tb.register("mate", tools.cxTwoPoint)
        tb.register("mutate", tools.mutGaussian, mu=0.0, sigma=0.1 * (high - low), indpb=0.1)
        tb.decorate("mutate", clip(low, high))
    else:
        tb.register("mate", tools.cxSimulatedBinaryBounded, eta=20.0, low=low, up=high)
        tb.register("mutate", tools.mutPolynomialBounded, eta=20.0, low=low, up=high, indpb=1.0 / n)
    tb.register("select", tools.selTournament, tournsize=3)
    pop = tb.population(n=100)
    for ind in pop:
        ind.fitness.values = budget(ind)
    while budget.count < evaluations:
        # eaSimple's generation: select, varAnd (cxpb 0.5, mutpb 0.2), evaluate the changed individuals.
        offspring = algorithms.varAnd(tb.select(pop, len(pop)), tb, 0.5, 0.2)
        for ind in offspring:
            if not ind.fitness.valid:
                if budget.count >= evaluations:
                    ind.fitness.values = (math.inf,)
                else:
                    ind.fitness.values = budget(ind)
        pop[:] = offspring
    return min(v[0] for v in budget.values)


def annealing(problem, evaluations, seed):
    n, low, high, f, _, _ = PROBLEMS[problem]
    return dual_annealing(lambda x: f(list(x))[0], [(low, high)] * n, maxfun=evaluations, seed=seed).fun


def nsga2(problem, evaluations, seed):
    n, low, high, f, reference, front = PROBLEMS[problem]
    random.seed(seed)
    budget = Budget(f, evaluations)
    individual = creator.Individual3 if len(reference) == 3 else creator.Individual2
    tb = base.Toolbox()
    tb.register("attr", random.uniform, low, high)
    tb.register("individual", tools.initRepeat, individual, tb.attr, n)
    tb.register("population", tools.initRepeat, list, tb.individual)
    tb.register("mate", tools.cxSimulatedBinaryBounded, low=low, up=high, eta=20.0)
    tb.register("mutate", tools.mutPolynomialBounded, low=low, up=high, eta=20.0, indpb=1.0 / n)
    tb.register("select", tools.selNSGA2)
    mu, cxpb = 100, 0.9
    pop = tb.population(n=mu)
    for ind in pop:
        ind.fitness.values = budget(ind)
    pop = tb.select(pop, len(pop))  # assigns the crowding distance selTournamentDCD needs
    while budget.count < evaluations:
        offspring = [tb.clone(ind) for ind in tools.selTournamentDCD(pop, len(pop))]
        for a, b in zip(offspring[::2], offspring[1::2]):
            if random.random() <= cxpb:
                tb.mate(a, b)
            tb.mutate(a)
            tb.mutate(b)
            del a.fitness.values, b.fitness.values
        for ind in offspring:
            if budget.count >= evaluations:
                break
            ind.fitness.values = budget(ind)
        evaluated = [ind for ind in offspring if ind.fitness.valid]
        pop = tb.select(pop + evaluated, mu)
    points = non_dominated(budget.values)
    volume = hv.hypervolume(points, np.array(reference))
    igd = float(np.mean(np.min(np.linalg.norm(points[:, None, :] - front[None, :, :], axis=2), axis=0)))
    return volume, igd


def quality(method, problem, evaluations, seeds):
    values, igds = [], []
    for s in range(seeds):
        if method == "dual-annealing":
            values.append(annealing(problem, evaluations, s))
        elif method == "deap-nsga2":
            v, i = nsga2(problem, evaluations, s)
            values.append(v)
            igds.append(i)
        else:
            values.append(ea_simple(problem, evaluations, s, method))
    line = {"problem": problem, "method": method, "evaluations": evaluations, "seeds": seeds,
            "measure": "hypervolume" if igds else "best", "median": float(np.median(values))}
    if igds:
        line["median_igd"] = float(np.median(igds))
    line["values"] = [float(v) for v in values]
    return line


def overhead(population, generations, repeat=5):
    """Milliseconds per generation of eaSimple's select + varAnd (the SBX configuration, cxpb 0.9 so most children
    are recombined as in Descent's GA), on Rastrigin-10, outside the evaluations; the fastest of `repeat` runs. Times are
    the thread's CPU time (time.thread_time, as Descent's side): on a machine shared with other jobs a wall clock also
    counts the time the scheduler gives to other processes."""
    n, low, high, f, _, _ = PROBLEMS["rastrigin10"]
    best = math.inf
    for r in range(repeat):
        random.seed(r)
        tb = base.Toolbox()
        tb.register("attr", random.uniform, low, high)
        tb.register("individual", tools.initRepeat, creator.Individual, tb.attr, n)
        tb.register("population", tools.initRepeat, list, tb.individual)
        tb.register("mate", tools.cxSimulatedBinaryBounded, eta=20.0, low=low, up=high)
        tb.register("mutate", tools.mutPolynomialBounded, eta=20.0, low=low, up=high, indpb=1.0 / n)
        tb.register("select", tools.selTournament, tournsize=2)
        pop = tb.population(n=population)
        for ind in pop:
            ind.fitness.values = f(ind)
        spent = 0.0
        for _ in range(generations):
            t0 = time.thread_time()
            offspring = algorithms.varAnd(tb.select(pop, len(pop)), tb, 0.9, 0.9)
            spent += time.thread_time() - t0
            for ind in offspring:
                if not ind.fitness.valid:
                    ind.fitness.values = f(ind)
            pop[:] = offspring
        best = min(best, 1000 * spent / generations)
    return {"problem": "rastrigin10", "population": population, "generations": generations, "deap_ms_per_generation": best}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--method", default="deap-overview,deap-sbx,dual-annealing")
    p.add_argument("--problem", default="rastrigin10,ackley10,rosenbrock10,griewank10")
    p.add_argument("--evaluations", type=int, default=10000)
    p.add_argument("--seeds", type=int, default=20)
    p.add_argument("--overhead", action="store_true")
    p.add_argument("--population", type=int, default=100)
    p.add_argument("--generations", type=int, default=100)
    a = p.parse_args()
    if a.overhead:
        print(json.dumps(overhead(a.population, a.generations)))
        return
    for problem in a.problem.split(","):
        multi = PROBLEMS[problem][4] is not None
        for method in a.method.split(","):
            if (method == "deap-nsga2") != multi:
                continue
            print(json.dumps(quality(method, problem, a.evaluations, a.seeds)), flush=True)


if __name__ == "__main__":
    main()
