#!/usr/bin/env bash
# The benchmark record: builds the runnable jar, runs the whole JMH suite (settings of PERFORMANCE.md: 2 forks,
# 5 x 1 s warm-up, 10 x 1 s measurement, -prof gc, JSON results), then regenerates BENCHMARKS.md and
# BENCHMARKS.png at the repository root from the JSON.
#
#   benchmarks/run.sh                 # everything (about 40 minutes on 2 cores)
#   benchmarks/run.sh --report-only   # only BENCHMARKS.md and the chart, from benchmarks/results/*.json
#
# Extra arguments after the option are passed to every JMH run (e.g. -f 1 for a quicker, non-record run).
set -euo pipefail
cd "$(dirname "$0")/.."
RESULTS=benchmarks/results
JAR=benchmarks/target/vigil-benchmarks.jar

report_only=false
if [[ "${1:-}" == "--report-only" ]]; then
  report_only=true
  shift
fi

mvn -B -q -pl benchmarks -am package -DskipTests

if [[ "$report_only" == false ]]; then
  mkdir -p "$RESULTS"
  rm -f "$RESULTS"/*.json
  {
    echo "cores: $(nproc)"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
    echo "memory: $(free -g | awk '/^Mem:/ {print $2}') GiB"
    echo "kernel: $(uname -r)"
    echo "clocksource: $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null || echo unknown)"
    echo "java: $(java -version 2>&1 | head -2 | tail -1)"
    echo "load before: $(uptime)"
    echo "started: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  } > "$RESULTS/machine.txt"
  # One JSON per benchmark, so a failure in one keeps the others.
  run() {
    local name=$1
    shift
    java -jar "$JAR" "$@" -prof gc -rf json -rff "$RESULTS/$name.json" "${EXTRA[@]}" 2>&1 | tee "benchmarks/target/jmh-$name.log" \
      | grep -E '^(# Run progress|# Benchmark:|[A-Z][A-Za-z]+Benchmark\.)' || true
  }
  EXTRA=("$@")
  run read 'ReadPathBenchmark'
  run write 'WritePathBenchmark'
  run rearm 'RearmBenchmark'
  run armcancel 'ArmCancelBenchmark'
  run tick 'TickBenchmark'
  run probecycle 'ProbeCycleBenchmark'
  run sweep 'ExpirySweepBenchmark.sweep' -p impl=ish,vigil
  run herd 'ExpirySweepBenchmark.herd' -p duePerMille=1000
  {
    echo "load after: $(uptime)"
    echo "finished: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  } >> "$RESULTS/machine.txt"
fi

java -cp "$JAR" io.vigil.benchmarks.report.Report "$RESULTS" BENCHMARKS.md BENCHMARKS.png
