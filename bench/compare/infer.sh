#!/usr/bin/env bash
# Descent vs PyTorch inference latency side by side, alternating case by case and round by round: prints the median
# microseconds per batch of each side and ratio = Descent ÷ PyTorch latency (< 1: Descent faster).
#   CASES="mlp:1:1 lenet5:1:1 cnn-small:256:2" ROUNDS=3 RT=1 bench/compare/infer.sh     # model:batch:threads
# Environment: CASES, ROUNDS (default 3), RT=1 (every process under `chrt -f 10`), TORCH_BLAS=openmp (as train.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
CASES=${CASES:-"mlp:1:1 lenet5:1:1 mlp:256:1 lenet5:256:1 cnn-small:256:1 resnet-small:256:1"}
ROUNDS=${ROUNDS:-3}
PY=/usr/bin/python3
TORCH_ENV=()
if [[ "${TORCH_BLAS:-}" == openmp ]]; then TORCH_ENV=(LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp); fi
PRIO=()
if [[ "${RT:-0}" == 1 ]]; then PRIO=(chrt -f 10); fi
dotnet build -c Release bench/compare/infer.cs -nologo -v q >/dev/null
results=$(mktemp)
trap 'rm -f "$results"' EXIT
echo "load before: $(uptime)" >&2
for ((r = 0; r < ROUNDS; r++)); do
  for c in $CASES; do
    IFS=: read -r model batch threads <<<"$c"
    args=(--model "$model" --batch "$batch" --threads "$threads")
    DESCENT_THREADS=$threads "${PRIO[@]}" dotnet run -c Release --no-build bench/compare/infer.cs -- "${args[@]}" 2>/dev/null \
      | sed "s/^/descent /" >>"$results"
    env -u OPENBLAS_CORETYPE "${TORCH_ENV[@]}" OMP_NUM_THREADS="$threads" OPENBLAS_NUM_THREADS="$threads" "${PRIO[@]}" \
      "$PY" bench/compare/infer_torch.py "${args[@]}" 2>/dev/null | sed "s/^/torch /" >>"$results"
  done
done
echo "load after:  $(uptime)" >&2
"$PY" - "$results" <<'PYEOF'
import json, statistics, sys
runs = {}
for line in open(sys.argv[1]):
    side, _, js = line.partition(" ")
    r = json.loads(js)
    runs.setdefault((r["model"], r["batch"], r["threads"]), {}).setdefault(side, []).append(r["us_per_batch"])
print(f"{'model':12} {'batch':>5} {'thr':>3} {'descent us':>11} {'torch us':>9} {'ratio':>6}  (descent/torch latency)")
for (m, b, t), sides in runs.items():
    d, p = statistics.median(sides.get("descent", [float("nan")])), statistics.median(sides.get("torch", [float("nan")]))
    print(f"{m:12} {b:5} {t:3} {d:11.1f} {p:9.1f} {d / p:6.2f}")
PYEOF
