#!/usr/bin/env bash
# Builds an earlier commit beside this checkout, for before-and-after benchmarks in one run:
#   bench/baseline.sh REF            # e.g. the commit before a change
#   BASELINE_JAR=<printed jar> bench/router/run.sh ...     # nginx, REF's router and this one, alternating
#   BASELINE_ROOT=<printed dir> bench/stats/run.sh ...     # REF's stats topology, then this one's
# The build goes to /tmp/switchboard-baseline-REF (a git worktree, packaged, nothing installed into ~/.m2).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
ref="${1:?usage: bench/baseline.sh REF}"
. "$here/lib.sh"
commit="$(git -C "$root" rev-parse --short "$ref")"
dir="/tmp/switchboard-baseline-$commit"
if [ ! -d "$dir" ]; then
  git -C "$root" worktree add --detach "$dir" "$commit" >/dev/null
fi
if ! ls "$dir"/routing-service/target/routing-service-*-exec.jar >/dev/null 2>&1; then
  echo "Building $commit in $dir (a few minutes)..."
  (cd "$dir" && mvn -B -ntp -q -DskipTests package)
fi
echo "BASELINE_JAR=$(ls "$dir"/routing-service/target/routing-service-*-exec.jar | head -n 1)"
echo "BASELINE_ROOT=$dir"
