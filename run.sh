#!/usr/bin/env bash
# The main job: builds everything and serves the web playground.
#   ./run.sh                          builds the playground and serves it on http://127.0.0.1:8000/
#                                     (PORT=N ./run.sh for another port; a port in use moves on)
#   ./run.sh cli                      runs examples/times_table_quiz.sb.txt with the starling command
#   ./run.sh cli FILE [options]       runs any program: options go to `starling run`
set -euo pipefail
cd "$(dirname "$0")"
if [ "${1:-}" = "cli" ]; then
    shift
    cargo build --release -p starling --quiet
    if [ $# -eq 0 ]; then
        set -- examples/times_table_quiz.sb.txt --answer 7 --answer 15 --answer 21
    fi
    exec "${CARGO_TARGET_DIR:-target}/release/starling" run "$@"
fi
cargo build --release -p starling --quiet
bash playground/build.sh
exec node playground/serve.mjs --port "${PORT:-8000}"
