#!/usr/bin/env bash
# The main job: builds the starling command and runs an example program with it.
#   ./run.sh                                  runs examples/times_table_quiz.sb.txt
#   ./run.sh examples/clones.sb.txt           runs another program
#   ./run.sh FILE --answer 42 --seed 3        options go to `starling run`
set -euo pipefail
cd "$(dirname "$0")"
cargo build --release -p starling --quiet
if [ $# -eq 0 ]; then
    set -- examples/times_table_quiz.sb.txt --answer 7 --answer 15 --answer 21
fi
exec target/release/starling run "$@"
