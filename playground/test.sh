#!/usr/bin/env bash
# The playground's checks: build (with the size budgets), then the browser tests in headless
# Chromium (Debian's /usr/bin/chromium through playwright-core), which save a screenshot of
# every step in playground/test-output/. Ends with "N passed, N failed".
#   playground/test.sh [FILTER]     only the tests whose name contains FILTER
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

if ! bash "$here/build.sh" --check; then
    echo "The playground did not build (or is over a size budget)."
    echo "0 passed, 1 failed"
    exit 1
fi
# The agreement test draws the same frame with the native `starling` command.
if [ -z "${STARLING:-}" ]; then
    (cd "$root" && cargo build --release -p starling --quiet) || {
        echo "0 passed, 1 failed"
        exit 1
    }
fi
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
    echo "Chromium is missing: apt-get install -y chromium (or set CHROMIUM)."
    echo "0 passed, 1 failed"
    exit 1
fi
exec node "$here/tests/run.mjs" "$@"
