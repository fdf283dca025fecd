#!/usr/bin/env bash
# Runs every Go fuzz target in the module for the given time each.
# Crashers are written to the package's testdata/fuzz and fail the run.
set -euo pipefail
fuzztime="${1:-30s}"
status=0
while IFS= read -r pkg; do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
    echo "fuzz $pkg $target ($fuzztime)"
    if ! go test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" >/tmp/fuzz.$$.log 2>&1; then
      cat /tmp/fuzz.$$.log
      status=1
    fi
  done
done < <(go list ./...)
rm -f /tmp/fuzz.$$.log
exit $status
