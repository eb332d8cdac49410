#!/usr/bin/env bash
# Everything CI checks, in one command (also what .ci/run calls):
#
#   1. deps     Debian packages (scripts/install-deps.sh; no apt work when all are there) and the
#               SARIF Multitool (scripts/sarif-tools.sh, npm)
#   2. release  Release build in build/ + ctest
#   3. asan     AddressSanitizer + UndefinedBehaviorSanitizer build in build-asan/ + ctest
#   4. format   clang-format check over src tests fuzz bench
#   5. fuzz     libFuzzer build (clang) in build-fuzz/ + a bounded run of each fuzzer:
#               the loader (KG_FUZZ_SECONDS), then the block reader of `scan FILE`, the
#               audit input path, diff, the admission path, the node front's inputs and
#               image layers (KG_FUZZ_TARGET_SECONDS each),
#               seeded from the corpus and tests/data, copied to a temp dir
#   6. e2e      a real control plane (scripts/controlplane.sh: etcd, kube-apiserver,
#               kube-controller-manager, kubectl; built in the background from step 2 on,
#               with helm, krew and the policy report CRDs after it, all cached under
#               ~/.cache/kubeguard and the Go caches) started in a run dir of its own, then
#               every end-to-end test (gtest names Live* and *E2E*) of the release and
#               the sanitizer builds against it; a skipped end-to-end test fails the step
#
# Environment:
#   KG_SKIP_ASAN=1        skip step 3            KG_SKIP_FUZZ=1    skip step 5
#   KG_SKIP_E2E=1         skip step 6 (and the control plane build)
#   KG_FUZZ_SECONDS=N     length of the loader fuzz run (default 60)
#   KG_FUZZ_TARGET_SECONDS=N  length of each other fuzz run (default 15)
#   KG_FORMAT_WARN_ONLY=1 report formatting differences without failing
#   KG_CORPUS_DIR=DIR     the shared corpus (default: ../shared/corpus beside the repo)
#   KG_JOBS=N             build and test parallelism (default: number of cores)
#
# Any failing step stops the script with a non-zero exit and says which step failed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

JOBS=${KG_JOBS:-$(nproc 2>/dev/null || echo 2)}
FUZZ_SECONDS=${KG_FUZZ_SECONDS:-60}
FUZZ_TARGET_SECONDS=${KG_FUZZ_TARGET_SECONDS:-15}
FUZZ_TARGETS="scan_stream audit diff admission node_input layer"
CORPUS_DIR=${KG_CORPUS_DIR:-$ROOT/../shared/corpus}

STEP_NAMES=()
STEP_TIMES=()
CTEST_SUMMARIES=()
TMP_DIRS=()

cleanup() {
  local d
  for d in "${TMP_DIRS[@]}"; do rm -rf -- "$d"; done
}
trap cleanup EXIT

log() { printf '[test] %s\n' "$*"; }
die() {
  printf '[test] error: %s\n' "$*" >&2
  exit 1
}

[[ "$FUZZ_SECONDS" =~ ^[0-9]+$ ]] || die "KG_FUZZ_SECONDS must be a whole number of seconds, not '$FUZZ_SECONDS'"
[[ "$FUZZ_TARGET_SECONDS" =~ ^[0-9]+$ ]] ||
  die "KG_FUZZ_TARGET_SECONDS must be a whole number of seconds, not '$FUZZ_TARGET_SECONDS'"
[[ "$JOBS" =~ ^[1-9][0-9]*$ ]] || die "KG_JOBS must be a positive number, not '$JOBS'"

# Runs one step in a subshell with errexit in force, prints its header and
# duration, and stops the script when it fails.
run_step() {
  local name=$1 title=$2
  shift 2
  printf '\n==================== %s: %s ====================\n' "$name" "$title"
  local start=$SECONDS rc=0
  set +e
  (
    set -euo pipefail
    "$@"
  ) </dev/null
  rc=$?
  set -e
  local took=$((SECONDS - start))
  STEP_NAMES+=("$name")
  STEP_TIMES+=("$took")
  if ((rc != 0)); then
    printf '\n[test] FAILED: step "%s" (%s) exited with status %d after %ds\n' "$name" "$title" "$rc" "$took" >&2
    print_summary
    exit 1
  fi
  printf -- '---- %s: done in %ds\n' "$name" "$took"
}

print_summary() {
  printf '\n==================== summary ====================\n'
  local i
  for i in "${!STEP_NAMES[@]}"; do
    printf '  %-8s %5ds\n' "${STEP_NAMES[$i]}" "${STEP_TIMES[$i]}"
  done
  if [[ -s "${SUMMARY_FILE:-}" ]]; then mapfile -t CTEST_SUMMARIES <"$SUMMARY_FILE"; fi
  for i in "${CTEST_SUMMARIES[@]}"; do printf '  %s\n' "$i"; done
}

# Configures (once; keeps whatever generator an existing build dir has) and builds.
configure_and_build() {
  local dir=$1
  shift
  local generator=(-G Ninja)
  [[ -f "$dir/CMakeCache.txt" ]] && generator=()
  cmake -S "$ROOT" -B "$dir" "${generator[@]}" "$@"
  cmake --build "$dir" -j "$JOBS"
}

# Runs ctest and records its summary line for the closing summary.
run_ctest() {
  local dir=$1 label=$2 log_file
  log_file=$(mktemp)
  local rc=0
  (cd "$dir" && ctest --output-on-failure -j "$JOBS") 2>&1 | tee "$log_file" || rc=$?
  local line
  line=$(grep -E '^[0-9]+% tests passed' "$log_file" | tail -n 1 || true)
  rm -f "$log_file"
  [[ -n "$line" ]] || {
    echo "ctest printed no summary line in $dir" >&2
    return 1
  }
  # Runs in a subshell: hand the line to the parent through a file.
  printf '%s: %s\n' "$label" "$line" >>"$SUMMARY_FILE"
  return "$rc"
}

step_deps() {
  bash "$ROOT/scripts/install-deps.sh"
  # The SARIF tests' validator (npm), so they run instead of skipping.
  bash "$ROOT/scripts/sarif-tools.sh"
}

step_release() {
  configure_and_build "$ROOT/build" -DCMAKE_BUILD_TYPE=Release -DKG_SANITIZE=OFF -DKG_BUILD_TESTS=ON \
    -DKG_BUILD_FUZZ=OFF
  run_ctest "$ROOT/build" "release"
}

step_asan() {
  # Debug at -O1: full checks, asserts on, and fast enough for the whole suite.
  configure_and_build "$ROOT/build-asan" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" \
    -DKG_SANITIZE=ON -DKG_BUILD_TESTS=ON -DKG_BUILD_FUZZ=OFF -DKG_BUILD_BENCH=OFF
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_ctest "$ROOT/build-asan" "asan+ubsan"
}

step_format() {
  local files=() f
  while IFS= read -r -d '' f; do files+=("$f"); done < <(
    find src tests fuzz bench \( -name '*.cc' -o -name '*.h' -o -name '*.cpp' -o -name '*.hpp' \) -type f \
      -print0 2>/dev/null | sort -z
  )
  ((${#files[@]} > 0)) || {
    echo "no C++ sources found" >&2
    return 1
  }
  local bad=()
  for f in "${files[@]}"; do
    clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
  done
  if ((${#bad[@]} == 0)); then
    echo "clang-format: all ${#files[@]} files are formatted"
    return 0
  fi
  echo "clang-format: ${#bad[@]} of ${#files[@]} files differ from .clang-format:"
  printf '  %s\n' "${bad[@]}"
  echo "fix with: scripts/lint.sh --fix   (or clang-format -i FILE)"
  if [[ "${KG_FORMAT_WARN_ONLY:-0}" == 1 ]]; then
    echo "KG_FORMAT_WARN_ONLY=1: not failing on formatting"
    return 0
  fi
  return 1
}

# A sample of the corpus manifests (small files, spread over every project)
# plus a few JSON documents, copied to a temp dir so the fuzzer may add to it.
make_seed_corpus() {
  local dest=$1
  local manifests="$CORPUS_DIR/manifests"
  [[ -d "$manifests" ]] || {
    echo "corpus manifests not found at $manifests (set KG_CORPUS_DIR)" >&2
    return 1
  }
  local n=0 i=0 f
  while IFS= read -r -d '' f; do
    # every third file keeps the sample varied and the run short to start
    if ((i++ % 3 == 0)); then
      cp -- "$f" "$dest/seed-$n-$(basename "$f")"
      n=$((n + 1))
    fi
  done < <(find "$manifests" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) -size -32k -print0 |
    sort -z)
  local json_dir="$CORPUS_DIR/peer-fixtures"
  if [[ -d "$json_dir" ]]; then
    while IFS= read -r -d '' f; do
      cp -- "$f" "$dest/seed-$n-$(basename "$f")"
      n=$((n + 1))
    done < <(find "$json_dir" -type f -name '*.json' -size -16k -print0 | sort -z | head -z -n 12)
  fi
  ((n > 0)) || {
    echo "no seed files found under $manifests" >&2
    return 1
  }
  echo "seed corpus: $n files in $dest"
}

# Seeds of the other targets, each from the corpus and the repository's own samples:
#   scan_stream  the manifest sample (the block reader of `scan FILE`)
#   audit        the corpus audit logs and tests/data/audit-forms (every input form)
#   diff         pairs of corpus manifests cut by a "===" line (baseline, then live)
#   admission    the manifest sample (the target wraps a manifest in AdmissionReviews)
#   node_input   one sample per parser of the node front (the first byte picks it): a stratum
#                packet, a /proc/PID/cgroup line, a /proc/net/tcp table, a JSON-RPC method,
#                a NUL-separated command line
#   layer        one small image layer (a shell, a link to it, a setuid file, /etc/passwd, a whiteout
#                and an opaque directory) as a bare tar, a tar.gz and a tar.zst
# plus every kept regression input of the target (tests/data/fuzz-regressions/TARGET).
make_target_seeds() {
  local target=$1 dest=$2 manifests=$3
  local f n=0
  case "$target" in
  scan_stream | admission) cp -- "$manifests"/* "$dest"/ ;;
  audit)
    while IFS= read -r -d '' f; do
      cp -- "$f" "$dest/seed-$n-$(basename "$f")"
      n=$((n + 1))
    done < <(find "$CORPUS_DIR/audit" "$ROOT/tests/data/audit-forms" -type f \( -name '*.log' -o -name '*.json' \) \
      -size -64k -print0 | sort -z)
    ;;
  diff)
    local files=()
    mapfile -d '' -t files < <(find "$manifests" -type f -print0 | sort -z | head -z -n 40)
    local i
    for ((i = 0; i + 1 < ${#files[@]}; i += 2)); do
      { cat -- "${files[$i]}"; printf '\n===\n'; cat -- "${files[$((i + 1))]}"; } >"$dest/pair-$i.yaml"
      # the same object on both sides: the comparison, not only the matching, runs
      { cat -- "${files[$i]}"; printf '\n===\n'; cat -- "${files[$i]}"; } >"$dest/same-$i.yaml"
    done
    ;;
  node_input)
    printf '\x00{"id":1,"method":"mining.subscribe","params":["cpuminer/2.5"]}\n' >"$dest/stratum"
    printf '\x010::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod0f1e2d3c_4b5a_6978_8a9b_0c1d2e3f4a5b.slice/cri-containerd-3f4e5d6c7b8a9f0e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9d0c1b2a3f4e.scope\n' >"$dest/cgroup"
    printf '\x02  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   0: 0100007F:0CEA 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 12345 1 0000000000000000 100 0 0 10 0\n   1: 0100007F:A1B2 0200A8C0:0D05 01 00000000:00000000 00:00000000 00000000  1000        0 23456 1 0000000000000000 20 4 30 10 -1\n' >"$dest/net-tcp"
    printf '\x03{"method":"login","params":{"login":"wallet","pass":"x"},"id":1}' >"$dest/method"
    printf '\x04kube-apiserver\0--anonymous-auth=false\0--authorization-mode=Node,RBAC\0--profiling\0--etcd-servers=https://127.0.0.1:2379' >"$dest/flags"
    ;;
  layer)
    local tree="$dest.tree"
    mkdir -p "$tree/bin" "$tree/etc" "$tree/usr/bin"
    printf 'x' >"$tree/bin/busybox"
    ln -s busybox "$tree/bin/sh"
    printf 'root:x:0:0::/:/bin/sh\n' >"$tree/etc/passwd"
    printf 'y' >"$tree/usr/bin/su" && chmod 4755 "$tree/usr/bin/su"
    : >"$tree/bin/.wh.bash"
    : >"$tree/usr/bin/.wh..wh..opq"
    tar -C "$tree" --owner=0 --group=0 --numeric-owner -cf "$dest/layer.tar" .
    tar -C "$tree" --owner=0 --group=0 --numeric-owner -czf "$dest/layer.tar.gz" .
    command -v zstd >/dev/null && tar -C "$tree" --owner=0 --group=0 --numeric-owner --zstd -cf "$dest/layer.tar.zst" .
    rm -rf "$tree"
    ;;
  esac
  if [[ -d "$ROOT/tests/data/fuzz-regressions/$target" ]]; then
    cp -- "$ROOT/tests/data/fuzz-regressions/$target"/* "$dest"/ 2>/dev/null || true
  fi
  n=$(find "$dest" -type f | wc -l)
  ((n > 0)) || {
    echo "no seed files for $target" >&2
    return 1
  }
  echo "seed corpus of $target: $n files"
}

# Runs one fuzzer for SECONDS from CORPUS; fails on a crash, a hang, a leak or a
# sanitizer report, keeping the input that caused it in build-fuzz/artifacts/TARGET/.
run_fuzzer() {
  local target=$1 seconds=$2 corpus=$3 work=$4
  local fuzzer="$ROOT/build-fuzz/fuzz/${target}_fuzz"
  [[ -x "$fuzzer" ]] || {
    echo "fuzzer not built: $fuzzer" >&2
    return 1
  }
  mkdir -p "$work/artifacts-$target"
  local dict=()
  [[ -f "$ROOT/fuzz/$target.dict" ]] && dict=(-dict="$ROOT/fuzz/$target.dict")
  [[ "$target" == scan_stream || "$target" == diff ]] && [[ -f "$ROOT/fuzz/loader.dict" ]] &&
    dict=(-dict="$ROOT/fuzz/loader.dict")
  echo "---- $target: ${seconds}s (log: $work/$target.log)"
  local rc=0
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$fuzzer" "${dict[@]}" -max_total_time="$seconds" -max_len=65536 -timeout=30 -rss_limit_mb=4096 \
    -print_final_stats=1 -artifact_prefix="$work/artifacts-$target/" "$corpus" >"$work/$target.log" 2>&1 || rc=$?
  grep -E '^(INFO: (Loaded|seed corpus)|#[0-9]+ +(INITED|DONE)|stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb))' \
    "$work/$target.log" || true
  local artifacts=()
  mapfile -t artifacts < <(find "$work/artifacts-$target" -type f)
  if ((rc != 0 || ${#artifacts[@]} > 0)); then
    echo "---- $target failed (exit $rc); last lines of its log:" >&2
    tail -n 80 "$work/$target.log" >&2
    if ((${#artifacts[@]} > 0)); then
      mkdir -p "$ROOT/build-fuzz/artifacts/$target"
      cp -- "${artifacts[@]}" "$ROOT/build-fuzz/artifacts/$target/"
      echo "---- crashing input(s) kept in build-fuzz/artifacts/$target/; reproduce with:" >&2
      local a
      for a in "${artifacts[@]}"; do echo "  $fuzzer build-fuzz/artifacts/$target/$(basename "$a")" >&2; done
      echo "---- once fixed, add them to tests/data/fuzz-regressions/$target/ (replayed by FuzzRegressions.*)" >&2
    fi
    return 1
  fi
}

step_fuzz() {
  command -v clang++ >/dev/null || {
    echo "clang++ not found (scripts/install-deps.sh installs it)" >&2
    return 1
  }
  CC=clang CXX=clang++ configure_and_build "$ROOT/build-fuzz" -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DKG_BUILD_FUZZ=ON -DKG_BUILD_TESTS=OFF -DKG_BUILD_BENCH=OFF -DKG_SANITIZE=OFF
  local work
  work=$(mktemp -d -t kg-fuzz.XXXXXX)
  echo "$work" >>"$TMP_LIST_FILE"
  mkdir -p "$work/manifests" "$work/corpus-loader"
  make_seed_corpus "$work/manifests"
  cp -- "$work/manifests"/* "$work/corpus-loader"/
  run_fuzzer loader "$FUZZ_SECONDS" "$work/corpus-loader" "$work"
  local target total=$FUZZ_SECONDS
  for target in $FUZZ_TARGETS; do
    mkdir -p "$work/corpus-$target"
    make_target_seeds "$target" "$work/corpus-$target" "$work/manifests"
    run_fuzzer "$target" "$FUZZ_TARGET_SECONDS" "$work/corpus-$target" "$work"
    total=$((total + FUZZ_TARGET_SECONDS))
  done
  echo "fuzz: no crash, hang, leak or sanitizer report (loader ${FUZZ_SECONDS}s; $FUZZ_TARGETS" \
    "${FUZZ_TARGET_SECONDS}s each; ${total}s of fuzzing)"
}

E2E_FILTER='Live*:*E2E*'

# The control plane takes long to build the first time (docs/CONTROLPLANE.md):
# it builds in the background while the C++ builds and tests run. Its exit
# status lands in a file, which the e2e step waits for.
start_controlplane_build() {
  CP_BUILD_LOG=$(mktemp)
  CP_BUILD_RC=$(mktemp -u)
  TMP_DIRS+=("$CP_BUILD_LOG" "$CP_BUILD_RC")
  log "building the control plane in the background (log: $CP_BUILD_LOG)"
  (
    rc=0
    bash "$ROOT/scripts/controlplane.sh" build >"$CP_BUILD_LOG" 2>&1 </dev/null || rc=$?
    # Then, one Go build at a time: helm (chart tests, rendered charts) and the
    # policy report CRDs (Go modules); both cached like the control plane.
    if ((rc == 0)); then bash "$ROOT/scripts/helm.sh" build >>"$CP_BUILD_LOG" 2>&1 </dev/null || rc=$?; fi
    # krew installs the release's kubectl plugin from its manifest (LiveKrew.*).
    if ((rc == 0)); then bash "$ROOT/scripts/krew.sh" build >>"$CP_BUILD_LOG" 2>&1 </dev/null || rc=$?; fi
    if ((rc == 0)); then bash "$ROOT/scripts/policy-report-crds.sh" >>"$CP_BUILD_LOG" 2>&1 </dev/null || rc=$?; fi
    echo "$rc" >"$CP_BUILD_RC"
  ) &
}

# Runs the end-to-end tests of one build against the running control plane.
run_e2e_tests() {
  local dir=$1 label=$2 log_file rc=0
  local binary="$dir/tests/kubeguard_tests"
  [[ -x "$binary" ]] || {
    echo "no test binary at $binary" >&2
    return 1
  }
  log_file=$(mktemp)
  echo "$log_file" >>"$TMP_LIST_FILE"
  KG_CLUSTER_E2E=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$binary" --gtest_filter="$E2E_FILTER" --gtest_color=no 2>&1 | tee "$log_file" || rc=$?
  local ran skipped
  ran=$(grep -cE '^\[ +OK \]|^\[ +FAILED +\] [A-Za-z]' "$log_file" || true)
  skipped=$(grep -cE '^\[ +SKIPPED +\] [A-Za-z]' "$log_file" || true)
  printf '%s e2e: %s run, %s skipped, exit %s\n' "$label" "$ran" "$skipped" "$rc" >>"$SUMMARY_FILE"
  ((rc == 0)) || return "$rc"
  ((ran > 0)) || {
    echo "no end-to-end test ran in $label" >&2
    return 1
  }
  if ((skipped > 0)); then
    echo "$skipped end-to-end test(s) skipped in $label although a control plane runs:" >&2
    grep -E '^\[ +SKIPPED +\] [A-Za-z]' "$log_file" >&2
    return 1
  fi
}

step_e2e() {
  local waited=0
  while [[ ! -s "$CP_BUILD_RC" ]]; do
    ((waited % 60 == 0)) && echo "waiting for the control plane build (${waited}s so far)"
    sleep 5
    waited=$((waited + 5))
    ((waited < 5400)) || {
      echo "the control plane build did not finish in 90 minutes" >&2
      return 1
    }
  done
  if [[ "$(cat "$CP_BUILD_RC")" != 0 ]]; then
    echo "the control plane build failed; its log:" >&2
    tail -n 60 "$CP_BUILD_LOG" >&2
    return 1
  fi
  tail -n 3 "$CP_BUILD_LOG"
  # A run dir of its own, so a control plane a developer keeps running is not touched.
  KUBEGUARD_CP_DIR=$(mktemp -d -t kg-cp-ci.XXXXXX)
  export KUBEGUARD_CP_DIR
  echo "$KUBEGUARD_CP_DIR" >>"$TMP_LIST_FILE"
  trap 'bash "$ROOT/scripts/controlplane.sh" stop >/dev/null 2>&1 || true' EXIT
  bash "$ROOT/scripts/controlplane.sh" start
  # The tests call kubectl by name, as an operator would: the one built with the control plane.
  eval "$(bash "$ROOT/scripts/controlplane.sh" env)"
  export PATH="$(dirname "$KUBECTL"):$PATH"
  # The image is signed and verified with the real cosign when its cache has
  # it (LiveImage.*); its cold build (~42 min) does not fit this run's budget.
  if bash "$ROOT/scripts/cosign.sh" path >/dev/null 2>&1; then
    export KG_REQUIRE_COSIGN=1
    echo "image signing: checked with the cached cosign" >>"$SUMMARY_FILE"
  else
    echo "image signing: NOT checked (no cosign cached; scripts/cosign.sh build makes later runs check it)" |
      tee -a "$SUMMARY_FILE"
  fi
  run_e2e_tests "$ROOT/build" "release"
  if [[ "${KG_SKIP_ASAN:-0}" != 1 ]]; then run_e2e_tests "$ROOT/build-asan" "asan+ubsan"; fi
}

[[ -d "$CORPUS_DIR" ]] || die "the shared corpus is not at $CORPUS_DIR; the tests read it (set KG_CORPUS_DIR)"

SUMMARY_FILE=$(mktemp)
TMP_LIST_FILE=$(mktemp)
TMP_DIRS+=("$SUMMARY_FILE" "$TMP_LIST_FILE")
collect_tmp_dirs() {
  local d
  while IFS= read -r d; do [[ -n "$d" ]] && TMP_DIRS+=("$d"); done <"$TMP_LIST_FILE"
  : >"$TMP_LIST_FILE"
}
trap 'collect_tmp_dirs; cleanup' EXIT

log "repository $ROOT, corpus $CORPUS_DIR, $JOBS jobs"
run_step deps "Debian packages" step_deps
if [[ "${KG_SKIP_E2E:-0}" != 1 ]]; then start_controlplane_build; fi
run_step release "Release build + ctest (build/)" step_release
if [[ "${KG_SKIP_ASAN:-0}" == 1 ]]; then
  log "KG_SKIP_ASAN=1: skipping the sanitizer build"
else
  run_step asan "ASan+UBSan build + ctest (build-asan/)" step_asan
fi
run_step format "clang-format check" step_format
if [[ "${KG_SKIP_FUZZ:-0}" == 1 ]]; then
  log "KG_SKIP_FUZZ=1: skipping the fuzz run"
else
  run_step fuzz "libFuzzer build + fuzz runs (loader ${FUZZ_SECONDS}s, 5 more ${FUZZ_TARGET_SECONDS}s each)" step_fuzz
fi
if [[ "${KG_SKIP_E2E:-0}" == 1 ]]; then
  log "KG_SKIP_E2E=1: skipping the end-to-end tests"
else
  run_step e2e "real control plane + end-to-end tests" step_e2e
fi

print_summary
log "all steps passed"
