#!/usr/bin/env python3
"""Summary of bench/search/fashion-search.sh: for each strategy, the best validation accuracy of each seed's study
among its first TRIALS candidates (mean and standard deviation over the seeds), and the hypervolume of its Pareto front
of (validation error, log10 parameters) with reference point (1, log10 REF_PARAMS) — the area, in error x decades of
parameters, that the front dominates (higher is better); all strategies use the same reference. Reads each study with
`descent study show --format json`.
  /usr/bin/python3 bench/search/summarize.py --runs runs/search-bench
"""
import argparse, glob, json, math, os, statistics, subprocess, sys


def trials(cli, db, study):
    out = subprocess.run(cli.split() + ["study", "show", "--storage", "sqlite:///" + os.path.abspath(db), "--study", study,
                                        "--format", "json"], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def front_hypervolume(points, ref):
    """Exact 2-D hypervolume of minimization points dominated region bounded by ref (a sweep)."""
    pts = sorted((p for p in points if p[0] < ref[0] and p[1] < ref[1]))
    hv, best_y = 0.0, ref[1]
    for x, y in pts:
        if y < best_y:
            hv += (ref[0] - x) * (best_y - y)
            best_y = y
    return hv


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", default="runs/search-bench")
    p.add_argument("--cli", default="dotnet src/Descent.Cli/bin/Release/net10.0/Descent.Cli.dll")
    p.add_argument("--trials", type=int, default=50)
    p.add_argument("--ref-params", type=float, default=2e6)
    p.add_argument("--json", action="store_true", help="one JSON line per strategy instead of the table")
    a = p.parse_args()
    ref = (1.0, math.log10(a.ref_params))
    by_strategy = {}
    for db in sorted(glob.glob(os.path.join(a.runs, "studies", "fsb-*.db"))):
        study = os.path.basename(db)[:-3]
        _, strategy, seed = study.split("-")         # fsb-<strategy>-<seed>
        done = [t for t in trials(a.cli, db, study) if t["number"] < a.trials and t["state"] == "Complete"]
        if not done:
            continue
        acc = [t["values"]["val_accuracy"] for t in done]
        pts = [(1 - t["values"]["val_accuracy"], math.log10(t["user_attrs"]["parameters"])) for t in done]
        best = max(done, key=lambda t: t["values"]["val_accuracy"])
        by_strategy.setdefault(strategy, []).append({
            "seed": int(seed), "candidates": len(done), "best_val_accuracy": max(acc),
            "best_parameters": best["user_attrs"]["parameters"], "hypervolume": front_hypervolume(pts, ref)})
    rows = []
    for strategy, runs in by_strategy.items():
        runs.sort(key=lambda r: r["seed"])
        best = [r["best_val_accuracy"] for r in runs]
        hv = [r["hypervolume"] for r in runs]
        row = {"strategy": strategy, "seeds": [r["seed"] for r in runs], "candidates": [r["candidates"] for r in runs],
               "mean_best_val_accuracy": statistics.mean(best), "sd_best_val_accuracy": statistics.stdev(best) if len(best) > 1 else 0.0,
               "mean_hypervolume": statistics.mean(hv), "per_seed": runs}
        rows.append(row)
        if a.json:
            print(json.dumps(row))
    if not a.json:
        print(f"{'strategy':<10} {'seeds':<12} {'candidates':<18} {'mean best val acc':<20} {'mean HV (err x log10 params)':<30} per-seed best")
        for r in rows:
            print(f"{r['strategy']:<10} {','.join(map(str, r['seeds'])):<12} {','.join(map(str, r['candidates'])):<18} "
                  f"{r['mean_best_val_accuracy']:.4f} ± {r['sd_best_val_accuracy']:.4f}    {r['mean_hypervolume']:<30.4f} "
                  + " ".join(f"{x['best_val_accuracy']:.4f}" for x in r["per_seed"]))


if __name__ == "__main__":
    sys.exit(main())
