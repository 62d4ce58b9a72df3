#!/usr/bin/env bash
# Everything in one command: build, every test, every example through the release CLI, and the
# benchmark answers. Ends with "N passed, N failed"; exits non-zero if anything failed.
set -euo pipefail
cd "$(dirname "$0")"

passed=0
failed=0
failures=()

# Runs one check; a failure is counted and reported, and the remaining checks still run.
check() {
    local name=$1
    shift
    echo "==> $name"
    if "$@"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        failures+=("$name")
        echo "FAILED: $name"
    fi
}

starling="${CARGO_TARGET_DIR:-target}/release/starling"

check "cargo build --release" cargo build --release --workspace

if cargo nextest --version >/dev/null 2>&1; then
    check "cargo nextest run --workspace" cargo nextest run --workspace
    check "cargo test --doc" cargo test --workspace --doc
else
    check "cargo test --workspace" cargo test --workspace
fi

# Every example through the release binary, exactly as a user runs it.
run_example() {
    local src=$1
    local base=${src%.sb.txt}
    local args=()
    if [ -f "$base.args" ]; then
        # .args files hold shell words (quotes allowed), e.g. --answer "Ada Lovelace".
        eval "args=($(cat "$base.args"))"
    fi
    local actual
    actual=$(mktemp)
    if ! "$starling" run "$src" "${args[@]}" >"$actual"; then
        echo "starling run $src exited with an error"
        rm -f "$actual"
        return 1
    fi
    if ! diff -u "$base.expected" "$actual"; then
        rm -f "$actual"
        return 1
    fi
    rm -f "$actual"
}
if [ -x "$starling" ]; then
    for src in examples/*.sb.txt; do
        check "example $src" run_example "$src"
    done
    # The benchmark programs must give shared/bench's answers (timings are only informative).
    check "starling bench --reps 1" "$starling" bench --reps 1
    # The same benchmarks as Scratch 3 projects (.sb3), through the loader.
    check "starling bench --sb3" "$starling" bench --sb3 tests/fixtures/sb3/bench --reps 1
fi

# The built-in sprite and backdrop library: every file, size, name (en + zh) and sound.
if command -v node >/dev/null 2>&1; then
    check "sprite library (assets/library/check.mjs)" node assets/library/check.mjs
fi

# The stage in wasm (what the playground will run): builds stage-bench for wasm32 and runs a
# few frames of it under Node, so a wasm-only breakage shows here. Its timings are informative.
if command -v node >/dev/null 2>&1 && command -v rustup >/dev/null 2>&1; then
    check "stage benchmark in wasm (3 frames)" bash stage-bench/wasm.sh --frames 3 --warmup 0
else
    echo "==> stage benchmark in wasm: skipped (needs node and rustup)"
fi

# The web playground: its wasm build (with the size budgets) and its browser tests in headless
# Chromium (playground/test.sh, which ends with its own "N passed, N failed").
if command -v node >/dev/null 2>&1 && command -v rustup >/dev/null 2>&1 && [ -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
    check "playground: build and browser tests" bash playground/test.sh
else
    echo "==> playground browser tests: skipped (needs node, rustup and chromium; .ci/run installs chromium)"
fi

if [ "$failed" -gt 0 ]; then
    echo
    echo "Failed:"
    printf '  %s\n' "${failures[@]}"
fi
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
