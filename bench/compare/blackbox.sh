#!/usr/bin/env bash
# Descent's gradient-free optimizers vs DEAP 1.3 (python3-deap) and SciPy (python3-scipy), issue #15 §3, in one run:
#   (a) quality: median best value over SEEDS seeds at EVALUATIONS function evaluations on PROBLEMS
#       (default Rastrigin-10, Ackley-10, Rosenbrock-10, Griewank-10): Descent's ga, sa (with L-BFGS polish) and
#       sa-plain beside DEAP's eaSimple (deap-overview: the overview's operators; deap-sbx: SBX + polynomial mutation)
#       and scipy's dual_annealing (maxfun = EVALUATIONS). Lower is better; quality runs are deterministic per seed and
#       not timing-sensitive.
#   (b) multi-objective: median hypervolume (reference (11, 11), higher is better) and IGD over SEEDS seeds on
#       MO_PROBLEMS (default ZDT1-3 and DTLZ2) of Descent's nsga2 and DEAP's NSGA-II example at EVALUATIONS evaluations.
#   (c) overhead: milliseconds per generation outside the objective, Descent's GA (ask/tell) vs DEAP's eaSimple
#       selection + variation (population 100); ratio = Descent ÷ DEAP (target ≤ 0.05). Timing-sensitive: the load
#       average is printed beside it.
#   bench/compare/blackbox.sh
#   SEEDS=5 EVALUATIONS=2000 SKIP_MO=1 bench/compare/blackbox.sh
# Environment: SEEDS (20), EVALUATIONS (10000), PROBLEMS, MO_PROBLEMS, SKIP_QUALITY=1, SKIP_MO=1, SKIP_OVERHEAD=1,
# NO_BUILD=1. Output: one JSON line per (problem, method) from each side, then a summary table.
set -euo pipefail
cd "$(dirname "$0")/../.."

SEEDS=${SEEDS:-20}
EVALUATIONS=${EVALUATIONS:-10000}
PROBLEMS=${PROBLEMS:-rastrigin10,ackley10,rosenbrock10,griewank10}
MO_PROBLEMS=${MO_PROBLEMS:-zdt1,zdt2,zdt3,dtlz2}
DLL=src/Descent.Cli/bin/Release/net10.0/Descent.Cli.dll
PY=/usr/bin/python3
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

if [[ "${NO_BUILD:-0}" != 1 ]]; then
  dotnet build src/Descent.Cli/Descent.Cli.csproj -c Release -nologo -v q >/dev/null
fi

if [[ "${SKIP_QUALITY:-0}" != 1 ]]; then
  dotnet "$DLL" bench blackbox --method ga,sa,sa-plain --problem "$PROBLEMS" --evaluations "$EVALUATIONS" --seeds "$SEEDS" --json | tee "$OUT/descent.jsonl"
  $PY bench/compare/blackbox.py --method deap-overview,deap-sbx,dual-annealing --problem "$PROBLEMS" --evaluations "$EVALUATIONS" --seeds "$SEEDS" | tee "$OUT/reference.jsonl"
fi
if [[ "${SKIP_MO:-0}" != 1 ]]; then
  dotnet "$DLL" bench blackbox --method nsga2 --problem "$MO_PROBLEMS" --evaluations "$EVALUATIONS" --seeds "$SEEDS" --json | tee -a "$OUT/descent.jsonl"
  $PY bench/compare/blackbox.py --method deap-nsga2 --problem "$MO_PROBLEMS" --evaluations "$EVALUATIONS" --seeds "$SEEDS" | tee -a "$OUT/reference.jsonl"
fi
if [[ "${SKIP_OVERHEAD:-0}" != 1 ]]; then
  dotnet "$DLL" bench blackbox --overhead --json | tee "$OUT/descent-overhead.json"
  $PY bench/compare/blackbox.py --overhead | tee "$OUT/reference-overhead.json"
fi

$PY - "$OUT" <<'EOF'
import json, os, sys
out = sys.argv[1]
def lines(name):
    path = os.path.join(out, name)
    return [json.loads(l) for l in open(path)] if os.path.exists(path) else []
rows = lines("descent.jsonl") + lines("reference.jsonl")
if rows:
    print("\nmedian over seeds (best value: lower is better; hypervolume: higher is better)")
    problems = list(dict.fromkeys(r["problem"] for r in rows))
    for p in problems:
        cells = [f'{r["method"]} {r["median"]:.6g}' + (f' (IGD {r["median_igd"]:.3g})' if "median_igd" in r else "")
                 for r in rows if r["problem"] == p]
        print(f"{p:<13} " + " | ".join(cells))
d, r = lines("descent-overhead.json"), lines("reference-overhead.json")
if d and r:
    ratio = d[0]["engine_ms_per_generation"] / r[0]["deap_ms_per_generation"]
    print(f'\noverhead per generation: Descent GA {d[0]["engine_ms_per_generation"]:.4f} ms, DEAP {r[0]["deap_ms_per_generation"]:.3f} ms, '
          f'ratio {ratio:.3f} (target <= 0.05); load average {os.getloadavg()[0]:.1f}')
EOF
