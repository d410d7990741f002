#!/usr/bin/env bash
# The lock in the types: writing the history without holding the lock must not compile. Each
# file here that says "Must NOT compile" has to fail to type-check against the built library,
# with the error its comment promises; with-the-lock.swift (the control) has to pass.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
build=.build/debug
# The library shares its API with the package only (`package` access): these files type-check as part of the
# package, under the name SwiftPM gave it (it derives the name from the folder the package is in).
package_name=$(grep -- '"-module-name","DynixHistory"' .build/debug.yaml | grep -o -- '"-package-name","[^"]*"' | head -n 1 | cut -d '"' -f 4)
if [ -z "$package_name" ]; then echo "compile-fail: no package name for DynixHistory in $build.yaml (build first)"; exit 1; fi
flags=(-typecheck -package-name "$package_name" -I "$build/Modules" -I Sources/CGit2
  -Xcc "-fmodule-map-file=$build/CSignals.build/module.modulemap"
  -Xcc "-fmodule-map-file=$build/CGit2Startup.build/module.modulemap"
  -Xcc "-fmodule-map-file=$build/CDeflate.build/module.modulemap")
passed=0 failed=0
check() { # name, expected status (0 or 1), expected text in the errors
  local out status
  out=$(swiftc "${flags[@]}" "Tests/compile-fail/$1" 2>&1); status=$?
  if { [ "$2" -eq 0 ] && [ "$status" -eq 0 ]; } || { [ "$2" -ne 0 ] && [ "$status" -ne 0 ] && [[ $out == *"$3"* ]]; }; then
    echo "ok    compile-fail: $1"; passed=$((passed + 1))
  else
    echo "FAIL  compile-fail: $1 (status $status)"; echo "$out" | head -5 | sed 's/^/      /'; failed=$((failed + 1))
  fi
}
check with-the-lock.swift 0 ""
check append-without-the-lock.swift 1 "value of type 'ConfigHistory' has no member 'append'"
check writer-without-the-lock.swift 1 "'HistoryWriter' initializer is inaccessible"
echo "compile-fail: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
