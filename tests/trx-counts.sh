#!/usr/bin/env bash
# Prints "PASSED FAILED": the sums of the TRX counters in TestResults/ (one TRX per test project).
# Used by .ci/run and tests/repeat-suite.sh, run from the repository root.
passed=0; failed=0
for trx in TestResults/*.trx; do
  [ -f "$trx" ] || continue
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
  p="$(printf '%s' "$counters" | sed -n 's/.* passed="\([0-9]*\)".*/\1/p')"
  f="$(printf '%s' "$counters" | sed -n 's/.* failed="\([0-9]*\)".*/\1/p')"
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
echo "$passed $failed"
