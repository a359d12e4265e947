#!/usr/bin/env bash
# The benchmark of SPEC §8: starts Keycloak 26.7.3 with the extension (embedded database; PostgreSQL
# with KEYCLOAK_DB=postgres), seeds tokens through the REST API, and prints every row of SPEC §8 with
# its goal, from one run on one server, then the figures that explain them. Writes a dated results
# file under bench/results/ (marked indicative when the machine's load average exceeds its cores)
# and target/bench/results.csv. Loads are sent by wrk when it is installed (apt-get install wrk), else by
# Java's HttpClient, whose own CPU per request pulls the ratios towards 1 on a 2-core machine
# (docs/performance.md "How to reproduce").
#
#   bench/run.sh                         # 100,000 tokens, 5 rounds of 10 s, 8 connections: 24 to 30 minutes on a quiet
#                                        # 2-core machine (2026-12-02, -03; seeding 3-4; warm-ups and rounds 18-24; build and start 2)
#   bench/run.sh --quick                 # smoke run: 1,000 tokens, 2 rounds of 3 s (about 5 minutes); every row, figures indicative
#   bench/run.sh --tokens=10000 --rounds=3 --seconds=5
#   bench/run.sh --profile [--tokens=2000] [--seconds=15]    # JFR profiles of each load alone: target/bench/profiles.md
#   bench/run.sh --timing [--requests=2000] [--tokens=200]   # issue 8: refusal time of unknown vs wrong-secret keys (target/bench/timing*.csv)
#   KEYCLOAK_DB=postgres bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=$(sed -n 's:.*<keycloak.version>\(.*\)</keycloak.version>.*:\1:p' pom.xml | head -1)
mvn -q -B pre-integration-test -DskipTests -Dskip.ui=true
JAR=$(ls target/keycloak-org-api-tokens-*.jar | grep -v -- '-0.1.0.jar' | head -1)
ARGS="$*"
case " $ARGS " in
  *" --profile "*) export JAVA_OPTS_APPEND="${JAVA_OPTS_APPEND:--Xms256m} -XX:FlightRecorderOptions=stackdepth=256" ;;
esac
exec mvn -q -B exec:java \
  -Dexec.mainClass=dev.orgapitokens.bench.Benchmark -Dexec.classpathScope=test -Dexec.cleanupDaemonThreads=false \
  -Dexec.args="$ARGS" \
  -Dkeycloak.home="target/keycloak-dist/keycloak-$VERSION" -Dextension.jar="$JAR" \
  -Dkeycloak.db="${KEYCLOAK_DB:-dev-file}" -Dtest.work.dir=target/bench \
  -Dkeycloak.version="$VERSION" -Dbench.args="$ARGS" -Dbench.results=bench/results
