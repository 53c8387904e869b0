#!/bin/bash
# A/B of the no-listener cost (issue 15): RowPathBenchmark.forEachDirect (prefetchPages=1) built from the
# commit before StreamListener (d9b859e^) and from the current tree, three rounds, alternated, on one JVM.
# CP_DIR holds cp-old.txt and cp-new.txt: each the core and bench target/classes of its tree (build the old
# one with `git worktree add ../old d9b859e^` and `mvn -o package -pl async-cassandra-bench -am -DskipTests`),
# then the bench's third-party classpath (async-cassandra-bench/target/async-cassandra.classpath without the
# org/asynccassandra jars). Run it on an idle machine.
set -eu
CP_DIR=${CP_DIR:?set CP_DIR to the folder of cp-old.txt and cp-new.txt}
J=${JAVA:-java} # the JVM to measure on (the figures in docs/observability.md: JDK 25)
for round in 1 2 3; do
  for side in old new; do
    $J -cp "$(cat $CP_DIR/cp-$side.txt)" org.openjdk.jmh.Main 'RowPathBenchmark.forEachDirect$' \
      -p prefetchPages=1 -f 2 -wi 3 -w 2s -i 5 -r 2s -rf json -rff $CP_DIR/ab-$side-$round.json > $CP_DIR/ab-$side-$round.log 2>&1
    echo "$side round $round: $(grep -A0 'forEachDirect' $CP_DIR/ab-$side-$round.log | tail -1)"
  done
done
