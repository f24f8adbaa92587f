#!/usr/bin/env bash
# Descent vs numpy/OpenBLAS sgemm: prints a ratio table (Descent GFLOP/s ÷ OpenBLAS GFLOP/s).
#   bench/compare/gemm.sh                   # full table, 1 and 2 threads
#   THREADS="1" REPEAT=5 bench/compare/gemm.sh
# Environment: THREADS (default "1 2"), REPEAT (timed repetitions per shape, fastest kept; default 3),
# MIN_SECONDS (per repetition; default 0.5), DTYPE (f32|f64; default f32), NO_BUILD=1 to skip the build,
# RT=1 to run every benchmark process under `chrt -f 10` (SCHED_FIFO; needs root).
# On a shared machine wall-clock numbers follow the background load: the two libraries are run
# alternately, group by group, so load hits both, but ratios still swing by ±30% under heavy load.
# RT=1 lets the benchmark threads preempt everything else for the few seconds each group runs
# (the kernel still reserves 5% of each core for other tasks), which gives quiet-machine numbers.
set -euo pipefail
cd "$(dirname "$0")/../.."

THREADS=${THREADS:-"1 2"}
REPEAT=${REPEAT:-3}
MIN_SECONDS=${MIN_SECONDS:-0.5}
DTYPE=${DTYPE:-f32}
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

# run LABEL THREADS FLAGS SHAPES: one process per library for a group of shapes sharing threads and flags.
run() {
  local label=$1 threads=$2 flags=$3 shapes=$4
  local common=(--shapes "$shapes" --threads "$threads" --dtype "$DTYPE" --json --repeat "$REPEAT" --min-seconds "$MIN_SECONDS")
  # shellcheck disable=SC2086
  DESCENT_THREADS=$threads "${PRIO[@]}" dotnet "$DLL" bench gemm "${common[@]}" $flags | sed "s/^/$label descent /" >>"$results"
  # OPENBLAS_CORETYPE=Haswell (set by this environment) would force OpenBLAS's AVX2 kernels.
  # shellcheck disable=SC2086
  env -u OPENBLAS_CORETYPE OPENBLAS_NUM_THREADS="$threads" "${PRIO[@]}" "$PY" bench/compare/gemm.py "${common[@]}" $flags \
    | sed "s/^/$label openblas /" >>"$results"
}

for t in $THREADS; do
  run square "$t" "" "512x512x512,1024x1024x1024,2048x2048x2048"
  for M in 64 256; do
    # Linear layer Y[M×N] = X[M×K]·W[K×N] for (K, N) in 784×256, 256×784, 256×128, 128×10:
    #   forward  Y  = X·W      m=M n=N k=K
    #   dX = dY·Wᵀ (W stored K×N = n×k)   m=M n=K k=N   --trans-b
    #   dW = Xᵀ·dY (X stored M×K = k×m)   m=K n=N k=M   --trans-a
    fwd="" dx="" dw=""
    for kn in 784x256 256x784 256x128 128x10; do
      K=${kn%x*} N=${kn#*x}
      fwd+="${M}x${N}x${K},"; dx+="${M}x${K}x${N},"; dw+="${K}x${N}x${M},"
    done
    run "fwd(M=$M)" "$t" "" "${fwd%,}"
    run "dX(M=$M)" "$t" "--trans-b" "${dx%,}"
    run "dW(M=$M)" "$t" "--trans-a" "${dw%,}"
  done
done

"$PY" - "$results" <<'PYEOF'
import json, sys
rows, order = {}, []
for line in open(sys.argv[1]):
    label, impl, payload = line.split(" ", 2)
    r = json.loads(payload)
    key = (label, r["threads"], r["m"], r["n"], r["k"], r["trans_a"], r["trans_b"])
    if key not in rows:
        rows[key] = {}
        order.append(key)
    rows[key][impl] = r["gflops"]
print(f"{'case':<10} {'thr':>3} {'m':>5} {'n':>5} {'k':>5} {'op':>3} {'Descent':>9} {'OpenBLAS':>9} {'ratio':>6}")
for key in order:
    label, t, m, n, k, ta, tb = key
    d, o = rows[key].get("descent"), rows[key].get("openblas")
    op = ("T" if ta else "N") + ("T" if tb else "N")
    ratio = f"{d / o:6.2f}" if d and o else "   n/a"
    print(f"{label:<10} {t:>3} {m:>5} {n:>5} {k:>5} {op:>3} {d or 0:9.1f} {o or 0:9.1f} {ratio}")
PYEOF
