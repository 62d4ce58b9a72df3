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
# The page's tests (run.mjs), then the block editor's own suite (tests/editor.mjs: its
# development page, every palette block, the examples and Scratch projects through the editor)
# when no FILTER is given or FILTER is "editor". One "N passed, N failed" line at the end.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
node "$here/tests/run.mjs" "$@" 2>&1 | tee "$log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
if [ -z "${1:-}" ] || [ "$1" = "editor" ]; then
    echo "==> the block editor's tests (tests/editor.mjs)"
    node "$here/tests/editor.mjs" 2>&1 | tee -a "$log"
    [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
fi
echo
awk '/^[0-9]+ passed, [0-9]+ failed$/ { p += $1; f += $3 } END { print p + 0 " passed, " f + 0 " failed" }' "$log"
exit $status
