#!/usr/bin/env bash
# Formatting and static analysis.
#
#   scripts/lint.sh            clang-format check (src tests fuzz bench) + clang-tidy over src/
#   scripts/lint.sh --format   clang-format check only
#   scripts/lint.sh --tidy     clang-tidy only
#   scripts/lint.sh --fix      reformat every file in place with clang-format (no clang-tidy)
#
# clang-tidy reads the compile commands of the Release build
# (build/compile_commands.json; the build dir is configured when missing) and
# the checks in .clang-tidy. Its full log goes to build/lint/clang-tidy.log; the
# script prints how many warnings each check raised and the first few.
#
# Exit status: 0 clean, 1 formatting differences or clang-tidy warnings, 2 usage
# or tool error. Environment: KG_JOBS (parallel clang-tidy runs, default: cores),
# KG_LINT_BUILD_DIR (default build).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
JOBS=${KG_JOBS:-$(nproc 2>/dev/null || echo 2)}
BUILD_DIR=${KG_LINT_BUILD_DIR:-build}
FORMAT_DIRS=(src tests fuzz bench)

log() { printf '[lint] %s\n' "$*"; }
die() {
  printf '[lint] error: %s\n' "$*" >&2
  exit 2
}

do_format=1 do_tidy=1 fix=0
case "${1:-}" in
  "") ;;
  --format) do_tidy=0 ;;
  --tidy) do_format=0 ;;
  --fix) fix=1 do_tidy=0 ;;
  -h | --help)
    sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
  *) die "unknown argument '$1' (try --help)" ;;
esac

find_tool() {
  local name
  for name in "$@"; do
    if command -v "$name" >/dev/null 2>&1; then
      echo "$name"
      return 0
    fi
  done
  return 1
}

cxx_files() {
  find "$@" \( -name '*.cc' -o -name '*.h' -o -name '*.cpp' -o -name '*.hpp' \) -type f -print0 2>/dev/null | sort -z
}

status=0

if ((do_format)); then
  CLANG_FORMAT=$(find_tool clang-format clang-format-14) || die "clang-format not found (scripts/install-deps.sh)"
  files=()
  while IFS= read -r -d '' f; do files+=("$f"); done < <(cxx_files "${FORMAT_DIRS[@]}")
  ((${#files[@]} > 0)) || die "no C++ files under ${FORMAT_DIRS[*]}"
  if ((fix)); then
    "$CLANG_FORMAT" -i "${files[@]}"
    log "clang-format: reformatted ${#files[@]} files in place"
    exit 0
  fi
  bad=()
  changed_lines=0
  for f in "${files[@]}"; do
    n=$("$CLANG_FORMAT" --dry-run "$f" 2>&1 | grep -c ': warning: ' || true)
    if ((n > 0)); then
      bad+=("$f ($n)")
      changed_lines=$((changed_lines + n))
    fi
  done
  if ((${#bad[@]} == 0)); then
    log "clang-format: all ${#files[@]} files are formatted"
  else
    log "clang-format: ${#bad[@]} of ${#files[@]} files would change ($changed_lines places):"
    printf '  %s\n' "${bad[@]}"
    log "fix with: scripts/lint.sh --fix"
    status=1
  fi
fi

if ((do_tidy)); then
  RUN_TIDY=$(find_tool run-clang-tidy run-clang-tidy-14) || die "run-clang-tidy not found (package clang-tidy)"
  CLANG_TIDY=$(find_tool clang-tidy clang-tidy-14) || die "clang-tidy not found (package clang-tidy)"
  if [[ ! -f "$BUILD_DIR/compile_commands.json" ]]; then
    log "no $BUILD_DIR/compile_commands.json: configuring $BUILD_DIR"
    generator=(-G Ninja)
    [[ -f "$BUILD_DIR/CMakeCache.txt" ]] && generator=()
    cmake -S . -B "$BUILD_DIR" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release >/dev/null || die "cmake configure failed"
  fi
  mkdir -p "$BUILD_DIR/lint"
  tidy_log="$BUILD_DIR/lint/clang-tidy.log"
  log "clang-tidy over src/ with $JOBS jobs (log: $tidy_log)"
  start=$SECONDS
  # run-clang-tidy exits non-zero when a file has errors; warnings are counted
  # below. It always asks for colour: strip the escapes from the log.
  "$RUN_TIDY" -quiet -clang-tidy-binary "$(command -v "$CLANG_TIDY")" -p "$BUILD_DIR" -j "$JOBS" \
    "^$ROOT/src/.*\.cc$" 2>&1 | sed -E 's/\x1b\[[0-9;]*m//g' >"$tidy_log" || true
  # A header's warning shows up once per file including it: count each place once.
  warnings=$(grep -E '^/.*:[0-9]+:[0-9]+: (warning|error): .*\[[a-z0-9.,-]+\]$' "$tidy_log" | sort -u || true)
  if grep -qE '^(Error while processing|error: unable to)' "$tidy_log"; then
    grep -E '^(Error while processing|error: unable to)' "$tidy_log" | sort -u | head -n 10 >&2
    log "clang-tidy could not process some files (see $tidy_log)"
    status=1
  fi
  if [[ -z "$warnings" ]]; then
    log "clang-tidy: no warnings ($((SECONDS - start))s)"
  else
    count=$(wc -l <<<"$warnings")
    log "clang-tidy: $count warnings ($((SECONDS - start))s); by check:"
    sed -E 's/.*\[([a-z0-9.,-]+)\]$/\1/' <<<"$warnings" | sort | uniq -c | sort -rn | sed 's/^/  /'
    log "first 20:"
    head -n 20 <<<"$warnings" | sed "s|^$ROOT/|  |"
    status=1
  fi
fi

exit "$status"
