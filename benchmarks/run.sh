#!/usr/bin/env bash
# The benchmark record: builds the runnable jar, runs the whole suite, then regenerates BENCHMARKS.md and its charts
# (BENCHMARKS.png, BENCHMARKS-e2e.png, BENCHMARKS-fleet.png) at the repository root from the JSON.
#
#   benchmarks/run.sh                 # the record: 5 forks, pre-touched fixed heap; about 3.5 hours on an IDLE 2-core machine
#   benchmarks/run.sh --report-only   # only BENCHMARKS.md and the charts, from benchmarks/results/*.json
#   benchmarks/run.sh --only e2e,fleet  # part of the record (record settings): only the named benchmarks are run and
#                                     # their JSON replaced; the others' JSON stays, and machine.txt gets one more
#                                     # section; BENCHMARKS.md says which parts are recorded and which are not.
#                                     # Names: read write rearm rearmfloor rearmlatency floor armcancel tick
#                                     # probecycle sweep herd e2e accept fleet
#   benchmarks/run.sh --quick         # CI smoke: 1 fork, 1 short iteration, small sizes; writes benchmarks/target/quick/
#                                     # (JSON, BENCHMARKS.md, charts), never the record
#
# Extra arguments after the option are passed to every JMH run.
# JMH settings of the record: 5 forks, 2 x 1 s warm-up, 3 x 1 s measurement, -prof gc, JSON (the report's intervals
# are over forks; a 12 GiB pre-touch cost 5-19 s per fork on this VM, 6 GiB 3 s, and a million channels fit in 6);
# every fork -Xms6g -Xmx6g -Xmn2g -XX:+AlwaysPreTouch (also in the benchmarks' @Fork, repeated here so that no
# command-line override loses it). The machine's load is sampled before, between the benchmarks and after, and the
# report states it when the machine was not idle.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=benchmarks/target/vigil-benchmarks.jar

mode=record
ONLY=""
if [[ "${1:-}" == "--only" ]]; then
  ONLY=",${2:?--only needs a comma-separated list of benchmark names},"
  shift 2
elif [[ "${1:-}" == "--report-only" ]]; then
  mode=report
  shift
elif [[ "${1:-}" == "--quick" ]]; then
  mode=quick
  shift
fi

if [[ "$mode" == quick ]]; then
  RESULTS=benchmarks/target/quick/results
  MD=benchmarks/target/quick/BENCHMARKS.md
  PNG=benchmarks/target/quick/BENCHMARKS.png
  HEAP=(-Xms2g -Xmx2g)
  # Every JMH case at its smallest size (1k channels), one fork, one short iteration: proves it runs, judges nothing.
  JMH=(-f 1 -wi 1 -w 200ms -i 1 -r 300ms -p channels=1000)
  HERD=(-f 1 -wi 1 -i 1 -p channels=1000)
  LATENCY=("${JMH[@]}")
  E2E=(1 500 1000 4 2000)          # reps warmupMs measureMs connections rate
  FLEET=(2000 2000 1000 1000 1)    # connections windowMs idleMs intervalMs reps
  ACCEPT=(1 300 1000 2)            # reps warmupMs measureMs clientThreads
else
  RESULTS=benchmarks/results
  MD=BENCHMARKS.md
  PNG=BENCHMARKS.png
  HEAP=(-Xms6g -Xmx6g)
  JMH=(-f 5 -wi 2 -w 1s -i 3 -r 1s)
  HERD=(-f 5)
  LATENCY=("${JMH[@]}")
  E2E=(5 5000 20000 16 20000)
  FLEET=(50000 30000 5000 1000 5)
  ACCEPT=(5 2000 10000 4)
fi
FORK_ARGS="${HEAP[*]} -XX:+AlwaysPreTouch -XX:+UseParallelGC -XX:-UseAdaptiveSizePolicy -Dio.netty.leakDetection.level=disabled"
if [[ "$mode" == record ]]; then
  FORK_ARGS="$FORK_ARGS -Xmn2g"
fi

mvn -B -q -pl core,epoll-integration,benchmarks -am package -DskipTests

if [[ "$mode" != report ]]; then
  mkdir -p "$RESULTS" benchmarks/target
  if [[ -z "$ONLY" ]]; then
    rm -f "$RESULTS"/*.json "$RESULTS/machine.txt"
  fi
  {
    echo "mode: $mode${ONLY:+ (part: ${ONLY:1:-1})}"
    echo "cores: $(nproc)"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
    echo "memory: $(free -g | awk '/^Mem:/ {print $2}') GiB"
    echo "kernel: $(uname -r)"
    echo "clocksource: $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null || echo unknown)"
    echo "java: $(java -version 2>&1 | head -2 | tail -1)"
    echo "fork JVM arguments: $FORK_ARGS"
    echo "load before: $(uptime)"
    echo "started: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  } >> "$RESULTS/machine.txt"
  # One JSON per benchmark, so a failure in one keeps the others; the load is sampled before each.
  EXTRA=("$@")
  # Whether a benchmark is part of this run.
  want() {
    [[ -z "$ONLY" || "$ONLY" == *",$1,"* ]]
  }
  run() {
    local name=$1
    shift
    want "$name" || return 0
    rm -f "$RESULTS/$name.json"
    echo "load before $name: $(uptime)" >> "$RESULTS/machine.txt"
    java -jar "$JAR" "$@" -jvmArgsAppend "$FORK_ARGS" -prof gc -rf json -rff "$RESULTS/$name.json" ${EXTRA[@]+"${EXTRA[@]}"} 2>&1 \
      | tee "benchmarks/target/jmh-$name.log" \
      | grep -E '^(# Run progress|# Benchmark:|[A-Z][A-Za-z]+Benchmark\.)' || true
  }
  run read 'ReadPathBenchmark' "${JMH[@]}"
  run write 'WritePathBenchmark' "${JMH[@]}"
  # Re-arm: every design at random deadlines; the same-slot floor for Vigil only (for the others it is a re-arm).
  run rearm 'RearmBenchmark' -p deadlines=random "${JMH[@]}"
  run rearmfloor 'RearmBenchmark' -p deadlines=same-slot -p impl=vigil "${JMH[@]}"
  run rearmlatency 'RearmLatencyBenchmark' "${LATENCY[@]}"
  run floor 'LatencyFloorBenchmark' "${JMH[@]}"
  run armcancel 'ArmCancelBenchmark' "${JMH[@]}"
  run tick 'TickBenchmark' "${JMH[@]}"
  run probecycle 'ProbeCycleBenchmark' "${JMH[@]}"
  run sweep 'ExpirySweepBenchmark.sweep' -p impl=ish,vigil "${JMH[@]}"
  run herd 'ExpirySweepBenchmark.herd' -p duePerMille=1000 "${HERD[@]}"
  # End to end (separate load-generator processes; loopback only).
  if want e2e; then
    rm -f "$RESULTS/e2e.json"
    echo "load before e2e: $(uptime)" >> "$RESULTS/machine.txt"
    java "${HEAP[@]}" -XX:+AlwaysPreTouch -Dio.netty.leakDetection.level=disabled -cp "$JAR" \
      io.vigil.benchmarks.e2e.EchoBench "$RESULTS/e2e.json" "${E2E[@]}" 2>&1 | tee benchmarks/target/e2e.log | grep -E '^e2e: wrote' || true
  fi
  if want accept; then
    rm -f "$RESULTS/accept.json"
    echo "load before accept: $(uptime)" >> "$RESULTS/machine.txt"
    java -Xms1g -Xmx1g -XX:+AlwaysPreTouch -Dio.netty.leakDetection.level=disabled -cp "$JAR" \
      io.vigil.benchmarks.e2e.AcceptBench "$RESULTS/accept.json" "${ACCEPT[@]}" 2>&1 | tee benchmarks/target/accept.log | grep -E '^accept: wrote' || true
  fi
  if want fleet; then
    rm -f "$RESULTS/fleet.json"
    echo "load before fleet: $(uptime)" >> "$RESULTS/machine.txt"
    # The fleet needs one descriptor per connection in each of its two processes: as many connections as the
    # descriptor limit allows (a container's hard RLIMIT_NOFILE may be below the target), said in machine.txt.
    (ulimit -n 262144 2>/dev/null || ulimit -n "$(ulimit -Hn)"
      n=${FLEET[0]}
      max=$(( $(ulimit -n) - 1000 ))
      if (( n > max )); then
        echo "fleet: $max connections, not $n: RLIMIT_NOFILE is $(ulimit -n) (hard $(ulimit -Hn)) per process" \
          | tee -a "$RESULTS/machine.txt"
        n=$max
      fi
      # Each run of a mode is a JVM of its own (4 GiB, pre-touched), started by this small one.
      java -Xmx256m -cp "$JAR" io.vigil.benchmarks.e2e.IdleFleet "$RESULTS/fleet.json" "$n" "${FLEET[@]:1}") 2>&1 | tee benchmarks/target/fleet.log | grep -E '^fleet: wrote' || true
  fi
  {
    echo "load after: $(uptime)"
    echo "finished: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  } >> "$RESULTS/machine.txt"
fi

java -cp "$JAR" io.vigil.benchmarks.report.Report "$RESULTS" "$MD" "$PNG"
