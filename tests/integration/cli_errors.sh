#!/usr/bin/env bash
# Bad input to n2d2-run: each case must exit 1 or 2 (never crash) with a
# one-line error naming the place.
set -uo pipefail
run=$1 data=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work"
failures=0

expect() {  # expected-exit-code  expected-text  args...
  local code=$1 text=$2; shift 2
  local out rc
  out=$("$run" "$@" 2>&1); rc=$?
  if [ "$rc" -ne "$code" ] || ! grep -qF -- "$text" <<<"$out"; then
    echo "FAIL: n2d2-run $* -> exit $rc (want $code), output:"; echo "$out" | sed 's/^/    /'
    echo "    (expected to contain: $text)"
    failures=$((failures + 1))
  else
    echo "ok: n2d2-run $* -> $rc: $(grep -F -- "$text" <<<"$out" | head -n 1)"
  fi
}

expect 1 "unclosed.ini:4:" "$data/unclosed.ini" --dry-run
expect 1 "unknown_type.ini:7: unknown cell type 'Convv' (did you mean" "$data/unknown_type.ini" --dry-run
expect 1 "cycle in Input=" "$data/cycle.ini" --dry-run
expect 1 "missing_include.ini:5" "$data/missing_include.ini" --expand
expect 1 "bad_value.ini:2: SizeX: expected a non-negative integer, got 'eight'" "$data/bad_value.ini" --dry-run
expect 1 "bad_continuation.ini:3" "$data/bad_continuation.ini" --expand
expect 1 "missing_ref.ini:3" "$data/missing_ref.ini" --expand
expect 1 "No such file or directory" "$data/does_not_exist.ini" --dry-run
expect 2 "unknown option '-lern' (did you mean -learn" "$data/unknown_type.ini" -lern 5
expect 1 "-export CPP is not implemented yet (registered exporters:" "$data/unknown_type.ini" -export CPP
expect 1 "option -calib is not implemented yet" "$data/unknown_type.ini" -calib 10
expect 2 "option -learn expects a non-negative integer" "$data/unknown_type.ini" -learn many
expect 1 "unknown cell type 'Convolution'" --describe Convolution
expect 2 "no model file given" -seed 3

if [ "$failures" -ne 0 ]; then echo "$failures case(s) failed"; exit 1; fi
echo "cli_errors: all cases ok"
