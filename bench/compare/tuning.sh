#!/usr/bin/env bash
# Descent vs Optuna 3.1 (Debian python3-optuna) tuner benchmarks, in one run:
#   (a) sampler overhead per trial on a trivial objective (sum of squares of PARAMS floats), in-memory study:
#       TPE/random/CMA-ES/QMC at trials TRIALS-WINDOW..TRIALS, GP at GP_TRIALS-GP_WINDOW..GP_TRIALS;
#       ratio = Descent ms ÷ Optuna ms (< 1: Descent faster; the TPE target is ≤ 0.05);
#   (b) quality: median best value over SEEDS seeds (0..SEEDS-1) after QUALITY_TRIALS trials on OBJECTIVES (default
#       Branin, Hartmann-6 and Rosenbrock-10; any of BenchmarkFunctions.Names, e.g. the held-out set
#       OBJECTIVES=camel,sphere2,sphere10,rosenbrock4,ackley5,styblinski5,rastrigin5,levy5,griewank5,logmix,mixed)
#       (deterministic per seed, so run once). Descent's seed k and Optuna's seed k are unrelated random
#       streams, so one 20-seed median is a noisy draw: with SEEDS a multiple of BLOCK (20) above it, the TPE medians
#       are also compared block by block (seeds 0-19, 20-39, ...), e.g. SEEDS=200 SKIP_OVERHEAD=1 bench/compare/tuning.sh.
#   bench/compare/tuning.sh
#   ROUNDS=5 SEEDS=20 bench/compare/tuning.sh
#   SKIP_OVERHEAD=1 OBJECTIVES=camel,ackley5,logmix,mixed bench/compare/tuning.sh
# Environment: ROUNDS (overhead alternations, median kept; default 3), TRIALS (1000), WINDOW (100), GP_TRIALS (200),
# GP_WINDOW (20), PARAMS (5), SEEDS (20), BLOCK (20), QUALITY_TRIALS (100), OBJECTIVES (branin,hartmann6,rosenbrock10),
# SKIP_QUALITY=1, SKIP_OVERHEAD=1, NO_BUILD=1.
# Runs under `chrt -f 10` when possible (the machine is shared). Optuna 3.1 has no GP sampler and its QMC sampler needs
# SciPy (not installed): those rows show Descent alone.
set -euo pipefail
cd "$(dirname "$0")/../.."

ROUNDS=${ROUNDS:-3}
TRIALS=${TRIALS:-1000}
WINDOW=${WINDOW:-100}
GP_TRIALS=${GP_TRIALS:-200}
GP_WINDOW=${GP_WINDOW:-20}
PARAMS=${PARAMS:-5}
SEEDS=${SEEDS:-20}
QUALITY_TRIALS=${QUALITY_TRIALS:-100}
OBJECTIVES=${OBJECTIVES:-branin,hartmann6,rosenbrock10}
DLL=src/Descent.Cli/bin/Release/net10.0/Descent.Cli.dll
PY=/usr/bin/python3
RT=()
if chrt -f 10 true 2>/dev/null; then RT=(chrt -f 10); fi

if [[ "${NO_BUILD:-0}" != 1 ]]; then
  dotnet build src/Descent.Cli/Descent.Cli.csproj -c Release -nologo -v q >/dev/null
fi

results=$(mktemp)
trap 'rm -f "$results"' EXIT
echo "load before: $(uptime)"
if [[ "${SKIP_OVERHEAD:-0}" != 1 ]]; then
  for ((r = 0; r < ROUNDS; r++)); do
    fast=(--sampler tpe,random,cmaes,qmc --trials "$TRIALS" --window "$WINDOW" --params "$PARAMS" --json)
    gp=(--sampler gp --trials "$GP_TRIALS" --window "$GP_WINDOW" --params "$PARAMS" --json)
    "${RT[@]}" dotnet "$DLL" bench tune "${fast[@]}" | sed 's/^/descent overhead /' >>"$results"
    "${RT[@]}" "$PY" bench/compare/tuning.py "${fast[@]}" | sed 's/^/optuna overhead /' >>"$results"
    "${RT[@]}" dotnet "$DLL" bench tune "${gp[@]}" | sed 's/^/descent overhead /' >>"$results"
    "${RT[@]}" "$PY" bench/compare/tuning.py "${gp[@]}" | sed 's/^/optuna overhead /' >>"$results"
  done
fi
if [[ "${SKIP_QUALITY:-0}" != 1 ]]; then
  q=(--quality --objective "$OBJECTIVES" --trials "$QUALITY_TRIALS" --seeds "$SEEDS" --json)
  "${RT[@]}" dotnet "$DLL" bench tune "${q[@]}" --sampler tpe,tpe-univariate,tpe-optuna,random | sed 's/^/descent quality /' >>"$results"
  "${RT[@]}" "$PY" bench/compare/tuning.py "${q[@]}" --sampler tpe,tpe-multivariate,random | sed 's/^/optuna quality /' >>"$results"
fi
echo "load after:  $(uptime)"

"$PY" - "$results" "${BLOCK:-20}" <<'PYEOF'
import json, statistics, sys
block = int(sys.argv[2])
over, qual, notes = {}, {}, {}
for line in open(sys.argv[1]):
    impl, kind, payload = line.split(" ", 2)
    row = json.loads(payload)
    if "unavailable" in row:
        notes[row["sampler"]] = row["unavailable"]
        continue
    if kind == "overhead":
        w = row["window"]
        cell = over.setdefault((row["sampler"], row["trials"], w), {}).setdefault(impl, ([], []))
        cell[0].append(row[f"ms_per_trial_last{w}"])
        cell[1].append(row[f"sampler_ms_per_trial_last{w}"])
    else:
        qual.setdefault(row["objective"], {})[(impl, row["sampler"])] = row

if over:
    print("\nSampler overhead per trial (ms, median of rounds; ratio = Descent / Optuna, < 1: Descent faster)")
    print(f"{'sampler':8} {'trials':>11} {'descent trial':>13} {'descent sampler':>15} {'optuna trial':>12} "
          f"{'optuna sampler':>14} {'sampler ratio':>13} {'trial ratio':>11}")
    for (name, trials, w), cell in over.items():
        d = cell.get("descent")
        o = cell.get("optuna")
        dt, ds = statistics.median(d[0]), statistics.median(d[1])
        span = f"{trials - w}-{trials}"
        if o is None:
            print(f"{name:8} {span:>11} {dt:>13.4f} {ds:>15.4f} {'n/a':>12} {'n/a':>14} {'n/a':>13} {'n/a':>11}")
            continue
        ot, os_ = statistics.median(o[0]), statistics.median(o[1])
        print(f"{name:8} {span:>11} {dt:>13.4f} {ds:>15.4f} {ot:>12.3f} {os_:>14.3f} {ds / os_:>13.4f} {dt / ot:>11.4f}")
    for name, why in notes.items():
        print(f"  {name}: {why}")

if qual:
    cols = [("descent", "tpe"), ("descent", "tpe-univariate"), ("descent", "tpe-optuna"), ("descent", "random"),
            ("optuna", "tpe"), ("optuna", "tpe-multivariate"), ("optuna", "random")]
    any_row = next(iter(next(iter(qual.values())).values()))
    print(f"\nQuality: median best value over {any_row['seeds']} seeds after {any_row['trials']} trials (lower is better)")
    print(f"{'objective':13}" + "".join(f"{i[0] + ' ' + s:>24}" for i, s in [((c[0],), c[1]) for c in cols])
          + f"{'TPE vs Optuna TPE':>19}{'TPE vs Random':>15}")
    for obj, rows in qual.items():
        med = {c: rows[c]["median_best"] if c in rows else float("nan") for c in cols}
        d, o, rnd = med[("descent", "tpe")], med[("optuna", "tpe")], med[("descent", "random")]
        print(f"{obj:13}" + "".join(f"{med[c]:>24.6g}" for c in cols)
              + f"{('ok' if d <= o else 'WORSE'):>19}{('ok' if d < rnd else 'WORSE'):>15}")
    seeds = any_row["seeds"]
    if seeds <= block:
        print(f"  (Descent's and Optuna's seed k are unrelated streams: one {seeds}-seed median per side is a single noisy"
              f" draw; SEEDS={10 * block} also compares them in blocks of {block} seeds)")
    if seeds > block and seeds % block == 0:
        print(f"\nTPE medians per block of {block} seeds (Descent / Optuna; lower is better)")
        for obj, rows in qual.items():
            d, o = rows.get(("descent", "tpe")), rows.get(("optuna", "tpe"))
            if d is None or o is None:
                continue
            cells, wins = [], 0
            for b in range(seeds // block):
                dm = statistics.median(d["best"][b * block:(b + 1) * block])
                om = statistics.median(o["best"][b * block:(b + 1) * block])
                wins += dm <= om
                cells.append(f"{dm:.4g}/{om:.4g}")
            print(f"{obj:13} Descent no worse in {wins}/{seeds // block} blocks: " + " ".join(cells))
PYEOF
