#!/usr/bin/env bash
# The issue's real task: tune lr, weight decay, width and dropout of an MLP on the embedded Fashion-MNIST subset,
# TPE + Hyperband (50 trials) against random search without pruning (50 trials), for each seed in SEEDS.
# Prints, per seed and method: best validation accuracy, epochs trained in total, and wall time.
#   SEEDS="0 1 2" TRIALS=50 bench/compare/tune_real_task.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
SEEDS=${SEEDS:-"0"}
TRIALS=${TRIALS:-50}
OUT=${OUT:-$(mktemp -d)}
DLL=src/Descent.Cli/bin/Release/net10.0/Descent.Cli.dll
[[ "${NO_BUILD:-0}" == 1 ]] || dotnet build src/Descent.Cli/Descent.Cli.csproj -c Release -nologo -v q >/dev/null
STUDY=examples/studies/fashion-mlp.yaml
printf "%-6s %-16s %10s %8s %8s\n" seed method best_val epochs seconds
for seed in $SEEDS; do
  for method in tpe-hyperband random; do
    name="fmlp-$method-$seed"
    if [[ $method == random ]]; then extra=(--set study.sampler=random --set study.pruner=none); else extra=(); fi
    start=$(date +%s.%N)
    dotnet "$DLL" tune "$STUDY" --runs-dir "$OUT" --trials "$TRIALS" --seed "$seed" --quiet \
      --set "study.name=$name" --set "study.sampler.seed=$seed" "${extra[@]}" >/dev/null
    end=$(date +%s.%N)
    best=$(dotnet "$DLL" study best --storage "sqlite:///$OUT/$name.db" --study "$name" --format json \
      | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(list(d[0]["values"].values())[0])')
    epochs=$(cat "$OUT/$name"/trial-*/metrics.csv | grep -vc '^epoch')
    printf "%-6s %-16s %10.4f %8d %8.0f\n" "$seed" "$method" "$best" "$epochs" "$(echo "$end - $start" | bc)"
  done
done
echo "runs and studies in $OUT"
