# The VM test scripts compile (they run only on a NixOS host with KVM:
# `nix-build -A tests.<name>`). Each test's script is helpers.py + its own
# file, so both are checked, and so is their concatenation.
pycache=$(mktemp -d)
for script in vm-tests/*/test-script.py vm-tests/lib/helpers.py; do
  if output=$(PYTHONPYCACHEPREFIX=$pycache python3 -m py_compile "$script" 2>&1); then
    pass "py_compile: $script"
  else
    fail "py_compile: $script" "$output"
  fi
done
for script in vm-tests/*/test-script.py; do
  cat vm-tests/lib/helpers.py "$script" > "$pycache/testScript.py"
  if output=$(PYTHONPYCACHEPREFIX=$pycache python3 -m py_compile "$pycache/testScript.py" 2>&1); then
    pass "py_compile: helpers.py + $script"
  else
    fail "py_compile: helpers.py + $script" "$output"
  fi
done
rm -rf "$pycache"
