#!/usr/bin/env bash
# Knowledge-distillation targets of issue #13 on the full Fashion-MNIST, in one run:
#   (a) accuracy: a cnn-small teacher (bench/compare/distill-teacher.yaml: cnn-small.yaml in 5 epochs without augmentation,
#       test accuracy 0.93; trained once unless TEACHER names a run),
#       then for each seed the MLP student of examples/experiments/mlp-distilled.yaml distilled from it and the
#       same-seed scratch student (descent trains both); prints each seed's test accuracies and the means
#       (target: distilled ≥ scratch + 0.5 pt, teacher ≥ 0.92);
#   (b) cost: `descent bench distill` — a distillation epoch with precomputed teacher logits against a plain epoch of
#       the same student (target ≤ 1.1×), and with the teacher run on every batch.
#   bench/compare/distill.sh
#   TEACHER=runs/cnn-small SEEDS="0 1 2" EPOCHS=20 bench/compare/distill.sh
# Environment: RUNS (folder of the runs; default runs/distill-bench), TEACHER (a teacher run to reuse), SEEDS
# ("0 1 2"), EPOCHS (student epochs; default the file's 20), T and ALPHA (default the file's 4 and 0.1), EXTRA (more
# `descent train` options for the students, e.g. "--set distillation.temperature=8"), SKIP_ACCURACY=1, SKIP_COST=1,
# COST_ROUNDS (3), NO_BUILD=1, DLL (the CLI to run, e.g. a copy outside the build output). Seeds run one after
# another (the machine is shared).
set -euo pipefail
cd "$(dirname "$0")/../.."

RUNS=${RUNS:-runs/distill-bench}
SEEDS=${SEEDS:-"0 1 2"}
COST_ROUNDS=${COST_ROUNDS:-3}
DLL=${DLL:-src/Descent.Cli/bin/Release/net10.0/Descent.Cli.dll}
STUDENT=examples/experiments/mlp-distilled.yaml

if [[ "${NO_BUILD:-0}" != 1 ]]; then
  dotnet build src/Descent.Cli/Descent.Cli.csproj -c Release -nologo -v q >/dev/null
fi
mkdir -p "$RUNS"

if [[ -z "${TEACHER:-}" ]]; then
  TEACHER=$RUNS/cnn-small
  if [[ ! -f $TEACHER/summary.json ]]; then
    echo "training the teacher into $TEACHER ..." >&2
    dotnet "$DLL" train bench/compare/distill-teacher.yaml --name cnn-small --runs-dir "$RUNS" --quiet >/dev/null
  fi
fi
TEACHER=$(realpath "$TEACHER")

acc() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['test']['accuracy'])" "$1"; }

if [[ "${SKIP_ACCURACY:-0}" != 1 ]]; then
  opts=(--set "distillation.teacher=\"$TEACHER\"")
  [[ -n "${EPOCHS:-}" ]] && opts+=(--epochs "$EPOCHS")
  [[ -n "${T:-}" ]] && opts+=(--set "distillation.temperature=$T")
  [[ -n "${ALPHA:-}" ]] && opts+=(--set "distillation.alpha=$ALPHA")
  # shellcheck disable=SC2206
  extra=(${EXTRA:-})
  printf '%-6s %10s %10s %10s\n' seed distilled scratch gain_pt
  sum_d=0; sum_s=0; n=0
  for seed in $SEEDS; do
    name=mlp-distilled-seed$seed
    if [[ ! -f $RUNS/$name/scratch/summary.json ]]; then
      rm -rf "${RUNS:?}/$name"
      dotnet "$DLL" train "$STUDENT" --set seed="$seed" --name "$name" --runs-dir "$RUNS" --quiet "${opts[@]}" "${extra[@]}" >/dev/null
    fi
    d=$(acc "$RUNS/$name/summary.json"); s=$(acc "$RUNS/$name/scratch/summary.json")
    printf '%-6s %10.4f %10.4f %10.2f\n' "$seed" "$d" "$s" "$(python3 -c "print(100*($d-$s))")"
    sum_d=$(python3 -c "print($sum_d+$d)"); sum_s=$(python3 -c "print($sum_s+$s)"); n=$((n+1))
  done
  python3 - "$sum_d" "$sum_s" "$n" "$(acc "$TEACHER/summary.json")" <<'PY'
import sys
d, s, n, t = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
print(f"mean   {d/n:10.4f} {s/n:10.4f} {100*(d-s)/n:10.2f}   (teacher test accuracy {t:.4f}; target: gain >= 0.50 pt)")
PY
fi

if [[ "${SKIP_COST:-0}" != 1 ]]; then
  dotnet "$DLL" bench distill --teacher "$TEACHER" --rounds "$COST_ROUNDS" --on-the-fly
fi
