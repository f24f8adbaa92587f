#!/usr/bin/env bash
# Architecture search on the embedded Fashion-MNIST subset, issue #15 §3 (docs/search.md §4): every strategy at
# TRIALS candidates for each seed of SEEDS, with examples/studies/fashion-search-bench.yaml (small, cheap candidates),
# each (strategy, seed) its own study and SQLite file under RUNS/studies/. nsga2 searches [val_accuracy, parameters];
# the others val_accuracy (every candidate still logs its parameters, so all fronts can be compared). A study that
# already holds TRIALS finished candidates is skipped, so the script resumes after a kill (an interrupted study
# continues with its remaining candidates). Then bench/search/summarize.py prints the comparison.
#   bench/search/fashion-search.sh
#   STRATEGIES="evolution random" SEEDS="0 1" bench/search/fashion-search.sh
#   CLI="dotnet /tmp/descent-cli/Descent.Cli.dll" RUNS=/tmp/search-runs bench/search/fashion-search.sh
# Environment: CLI (default: the Release build of this tree), RUNS (runs/search-bench), SEEDS ("0 1 2 3 4"),
# STRATEGIES ("evolution random nsga2 reinforce"), TRIALS (50), FILE (examples/studies/fashion-search-bench.yaml).
set -euo pipefail
cd "$(dirname "$0")/../.."

CLI=${CLI:-dotnet src/Descent.Cli/bin/Release/net10.0/Descent.Cli.dll}
RUNS=${RUNS:-runs/search-bench}
SEEDS=${SEEDS:-0 1 2 3 4}
STRATEGIES=${STRATEGIES:-evolution random nsga2 reinforce}
TRIALS=${TRIALS:-50}
FILE=${FILE:-examples/studies/fashion-search-bench.yaml}
mkdir -p "$RUNS/studies"

finished() { # finished candidates of study $1 (0 when it does not exist yet)
  local db="$RUNS/studies/$1.db"
  [[ -f "$db" ]] || { echo 0; return; }
  $CLI study list --storage "sqlite:///$(realpath "$db")" --format json \
    | /usr/bin/python3 -c 'import json,sys; s=[x for x in json.load(sys.stdin) if x["study"]==sys.argv[1]]; print(sum(s[0][k] for k in ("complete","pruned","failed")) if s else 0)' "$1"
}

for seed in $SEEDS; do
  for strategy in $STRATEGIES; do
    name="fsb-$strategy-$seed"
    have=$(finished "$name")
    (( have >= TRIALS )) && { echo "$name: $have candidates, done"; continue; }
    metric=()
    [[ $strategy == nsga2 ]] && metric=(--set 'study.metric=[val_accuracy, parameters]')
    echo "$name: $have of $TRIALS candidates, running $((TRIALS - have)) ($(date -u +%H:%M:%S), load $(cut -d' ' -f1 /proc/loadavg))"
    $CLI search "$FILE" --set "study.strategy.name=$strategy" --set "study.strategy.seed=$seed" --set "study.name=$name" \
      "${metric[@]}" --trials $((TRIALS - have)) --runs-dir "$RUNS" --quiet
  done
done
/usr/bin/python3 bench/search/summarize.py --runs "$RUNS" --cli "$CLI"
