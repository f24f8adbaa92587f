#!/usr/bin/env bash
# Descent vs PyTorch optimizer step time: prints a table with ratio = PyTorch ms ÷ Descent ms (> 1: Descent faster).
#   bench/compare/optim.sh                         # adam, adamw, sgd, rmsprop, adagrad at N = 1e6 and 1e7
#   OPTIMIZERS=adam PARAMS=1e6,1e7 THREADS=2 bench/compare/optim.sh
# Environment: OPTIMIZERS (comma list), PARAMS (comma list), THREADS (default: cores), REPEAT (default 5),
# MIN_SECONDS (default 0.3), ROUNDS (alternations of the two libraries, best kept; default 2), NO_BUILD=1.
# PyTorch runs torch.optim.<X>(foreach=True) (PyTorch 1.13's multi-tensor path). The machine may be shared: the two
# libraries run alternately ROUNDS times and each keeps its fastest figure.
set -euo pipefail
cd "$(dirname "$0")/../.."

OPTIMIZERS=${OPTIMIZERS:-adam,adamw,sgd,rmsprop,adagrad}
PARAMS=${PARAMS:-1e6,1e7}
THREADS=${THREADS:-$(nproc)}
REPEAT=${REPEAT:-5}
MIN_SECONDS=${MIN_SECONDS:-0.3}
ROUNDS=${ROUNDS:-2}
DLL=src/Descent.Cli/bin/Release/net10.0/Descent.Cli.dll
PY=/usr/bin/python3

if [[ "${NO_BUILD:-0}" != 1 ]]; then
  dotnet build src/Descent.Cli/Descent.Cli.csproj -c Release -nologo -v q >/dev/null
fi

results=$(mktemp)
trap 'rm -f "$results"' EXIT
common=(--optimizer "$OPTIMIZERS" --params "$PARAMS" --threads "$THREADS" --repeat "$REPEAT" --min-seconds "$MIN_SECONDS" --json)
for ((r = 0; r < ROUNDS; r++)); do
  DESCENT_THREADS=$THREADS dotnet "$DLL" bench optim "${common[@]}" | sed 's/^/descent /' >>"$results"
  OMP_NUM_THREADS=$THREADS "$PY" bench/compare/optim.py "${common[@]}" | sed 's/^/torch /' >>"$results"
done

"$PY" - "$results" <<'PYEOF'
import json, sys
best, order = {}, []
for line in open(sys.argv[1]):
    impl, payload = line.split(" ", 1)
    row = json.loads(payload)
    key = (row["optimizer"], row["params"])
    if key not in order:
        order.append(key)
    cur = best.setdefault(key, {}).get(impl)
    if cur is None or row["ms_per_step"] < cur["ms_per_step"]:
        best[key][impl] = row
    # Copy bandwidth: keep the best seen by either side's measurement for the fraction.
print(f"{'optimizer':9} {'params':>9} {'threads':>7} {'descent ms':>11} {'torch ms':>10} {'ratio':>7} "
      f"{'descent GB/s':>13} {'copy GB/s':>10} {'of copy':>8}")
for key in order:
    d, t = best[key].get("descent"), best[key].get("torch")
    if d is None or t is None:
        continue
    copy = max(d["copy_gb_per_s"], t["copy_gb_per_s"])
    print(f"{key[0]:9} {key[1]:>9.0e} {d['threads']:>7} {d['ms_per_step']:>11.4f} {t['ms_per_step']:>10.4f} "
          f"{t['ms_per_step'] / d['ms_per_step']:>6.2f}x {d['gb_per_s']:>13.1f} {copy:>10.1f} {d['gb_per_s'] / copy:>7.0%}")
PYEOF
