#!/usr/bin/env bash
# The stage benchmark in wasm: builds stage-bench for wasm32-unknown-unknown as a cdylib
# (release), prints the module's size (raw and gzip), and times it under Node with
# run_wasm.mjs. Arguments go to run_wasm.mjs (--frames N, --warmup N).
set -euo pipefail
cd "$(dirname "$0")/.."

target=wasm32-unknown-unknown
if ! rustup target list --installed | grep -qx "$target"; then
    rustup target add "$target"
fi

# The workspace's release profile unwinds on panic; wasm32-unknown-unknown has no unwinding, so
# this build aborts instead (a panic traps, and Node reports it).
cargo rustc -p starling-stage-bench --lib --release --target "$target" --crate-type cdylib \
    --config 'profile.release.panic="abort"'

wasm="${CARGO_TARGET_DIR:-target}/$target/release/starling_stage_bench.wasm"
raw=$(wc -c <"$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
echo "wasm: $wasm"
echo "wasm size: $raw bytes raw ($((raw / 1024)) KB), $gz bytes gzip -9 ($((gz / 1024)) KB)"

node stage-bench/run_wasm.mjs "$wasm" "$@"
