#!/usr/bin/env bash
# Descent vs PyTorch 1.13 int8 inference: prints, per model, batch and thread count, Descent's float32 and int8 times,
# PyTorch's int8 time for each quantized engine it has (onednn, qnnpack; fbgemm where built), and the ratios
# (Descent float32 / Descent int8, PyTorch best int8 / Descent int8: above 1 Descent is faster).
#   bench/compare/quant.sh                       # mlp and lenet5, batch 1, 64, 256, 1 and 2 threads
#   MODELS=mlp THREADS=1 REPEAT=3 bench/compare/quant.sh
# Both sides quantize dynamically (Linear layers int8, activations per batch), time float32 and int8 alternately in
# blocks of MIN_SECONDS and report medians; one thread is timed in thread CPU time, which the background load of a
# shared machine does not inflate. RT=1 runs every process under `chrt -f 10` (SCHED_FIFO; needs root). NO_BUILD=1
# skips the build. PyTorch runs with OPENBLAS_CORETYPE unset and OMP/OpenBLAS threads = THREADS.
set -euo pipefail
cd "$(dirname "$0")/../.."

MODELS=${MODELS:-"mlp lenet5"}
THREADS=${THREADS:-"1 2"}
BATCH=${BATCH:-"1,64,256"}
REPEAT=${REPEAT:-5}
MIN_SECONDS=${MIN_SECONDS:-0.3}
DLL=src/Descent.Cli/bin/Release/net10.0/Descent.Cli.dll
PY=/usr/bin/python3
PRIO=()
if [[ "${RT:-0}" == 1 ]]; then
  PRIO=(chrt -f 10)
fi
if [[ "${NO_BUILD:-0}" != 1 ]]; then
  dotnet build src/Descent.Cli/Descent.Cli.csproj -c Release -nologo -v q >/dev/null
fi

results=$(mktemp)
trap 'rm -f "$results"' EXIT
for t in $THREADS; do
  for m in $MODELS; do
    common=(--model "$m" --batch "$BATCH" --threads "$t" --repeat "$REPEAT" --min-seconds "$MIN_SECONDS")
    DESCENT_THREADS=$t "${PRIO[@]}" dotnet "$DLL" bench quant model "${common[@]}" --json | sed 's/^/descent /' >>"$results"
    # qnnpack warns on stderr that it ignores reduce_range; the JSON lines go to stdout.
    env -u OPENBLAS_CORETYPE OMP_NUM_THREADS="$t" OPENBLAS_NUM_THREADS="$t" "${PRIO[@]}" "$PY" bench/compare/quant.py "${common[@]}" 2>/dev/null \
      | sed 's/^/torch /' >>"$results"
  done
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

"$PY" - "$results" <<'PYEOF'
import json, sys
descent, torch = {}, {}
for line in open(sys.argv[1]):
    impl, payload = line.split(" ", 1)
    r = json.loads(payload)
    key = (r["model"], r["batch"], r["threads"])
    if impl == "descent":
        descent[key] = r["forward"]
    else:
        torch.setdefault(key, {})[r["engine"]] = r["forward"]
print(f"{'model':<8} {'batch':>5} {'thr':>3} {'D f32 us':>10} {'D int8 us':>10} {'D f32/int8':>10} {'torch int8 us (engine)':>26} {'torch/D int8':>12}")
for key in sorted(descent):
    d = descent[key]
    engines = torch.get(key, {})
    best = min(engines.items(), key=lambda e: e[1]["int8_seconds"]) if engines else None
    tq = f"{best[1]['int8_seconds'] * 1e6:10.1f} ({best[0]})" if best else "n/a"
    ratio = f"{best[1]['int8_seconds'] / d['int8_seconds']:12.2f}" if best else "         n/a"
    print(f"{key[0]:<8} {key[1]:>5} {key[2]:>3} {d['f32_seconds'] * 1e6:10.1f} {d['int8_seconds'] * 1e6:10.1f} {d['ratio']:10.2f} {tq:>26} {ratio}")
PYEOF
