#!/usr/bin/env bash
# Refreshes the API baselines that japicmp compares the published library modules with (core, values, vertx,
# micrometer, opentelemetry, flink):
# builds their jars from the current sources and copies them here. Extra arguments go to Maven (e.g. -o).
#   api-baseline/refresh.sh -o && git add api-baseline && git commit -m "API baseline: <why>"
# Refresh when an API change is intended (before the first release), or at a release (the baseline is then
# the released API).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
modules=(async-cassandra-core async-cassandra-values async-cassandra-vertx async-cassandra-micrometer
  async-cassandra-opentelemetry async-cassandra-flink)
mvn -B -q "$@" package -pl "$(IFS=,; echo "${modules[*]}")" -am \
  -DskipTests -Djapicmp.skip=true -Dmaven.javadoc.skip=true -Dmaven.source.skip=true
for module in "${modules[@]}"; do
  jar=$(find "$module/target" -maxdepth 1 -name "$module-*.jar" \
      ! -name '*-sources.jar' ! -name '*-javadoc.jar' ! -name '*-tests.jar' ! -name '*-job.jar' | head -1)
  [ -n "$jar" ] || { echo "error: no jar of $module in $module/target" >&2; exit 1; }
  cp "$jar" "api-baseline/$module-baseline.jar"
  echo "api-baseline/$module-baseline.jar <- $jar"
done
