#!/usr/bin/env bash
# Builds the web playground into playground/dist/, installing what it needs on a fresh Debian
# machine that has rustup and Node (the wasm target, the wasm-bindgen CLI at the exact version of
# the crate, and the npm packages from package-lock.json). Then prints the download sizes.
#
#   playground/build.sh            build (release) and print sizes
#   playground/build.sh --check    the same, and fail when a size budget is exceeded
#
# Two wasm modules come out of one crate: the playground's (text programs and .sb3) and the
# player's (.sb3 only, for embeds and shared links), each run through wasm-bindgen (--target
# web) and wasm-opt -Oz (npm's binaryen; Debian's binaryen 108 corrupts wasm-bindgen's output).
# esbuild bundles the page (dist/app.js) and the player (dist/player.js).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$here"

target=wasm32-unknown-unknown
target_dir=${CARGO_TARGET_DIR:-$root/target}
dist=$here/dist
check=()
[ "${1:-}" = "--check" ] && check=(--check)

step() { echo "==> $*"; }

# The wasm target.
if command -v rustup >/dev/null 2>&1 && ! rustup target list --installed | grep -qx "$target"; then
    step "rustup target add $target"
    rustup target add "$target"
fi

# The wasm-bindgen CLI must equal the crate's version (pinned with `=` in Cargo.toml).
bindgen_version=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' Cargo.toml)
if [ -z "$bindgen_version" ]; then
    echo "build.sh: cannot find the wasm-bindgen version in playground/Cargo.toml" >&2
    exit 1
fi
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$bindgen_version" ]; then
    step "cargo install wasm-bindgen-cli --version $bindgen_version (a few minutes, once)"
    # Without --locked: the CLI's own lockfile pins a crate version the registry here lacks.
    cargo install wasm-bindgen-cli --version "$bindgen_version"
fi

# npm packages (esbuild, binaryen's wasm-opt, playwright-core, blockly), exactly as locked.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    step "npm ci"
    npm ci --no-audit --no-fund --loglevel=error
fi
bin=$here/node_modules/.bin

# Size matters more than speed for the compiler and the libraries (they run once per load);
# the VM (starling-runtime) keeps full speed, the renderer (touching, pen, stamps) nearly.
profile=(
    --config 'profile.release.panic="abort"'
    --config 'profile.release.lto=true'
    --config 'profile.release.codegen-units=1'
    --config 'profile.release.opt-level="z"'
    --config 'profile.release.package.starling-runtime.opt-level=3'
    --config 'profile.release.package.starling-render.opt-level="s"'
)

# build_wasm NAME [cargo options]: builds the crate, binds and optimises it into pkg-NAME/.
# wasm-opt takes half a minute; it is skipped when wasm-bindgen's output has not changed.
build_wasm() {
    local name=$1
    shift
    step "cargo build ($name, $target, release)"
    (cd "$root" && cargo build -p starling-playground --lib --release --target "$target" "${profile[@]}" "$@")
    local out=$here/pkg-$name
    local fresh=$here/pkg-$name.new
    rm -rf "$fresh"
    wasm-bindgen --target web --no-typescript --out-dir "$fresh" --out-name "starling_$name" \
        "$target_dir/$target/release/starling_playground.wasm"
    local hash
    hash=$(cat "$fresh"/* | sha256sum | cut -d' ' -f1)
    if [ -f "$out/source.sha256" ] && [ "$(cat "$out/source.sha256")" = "$hash" ] \
        && [ -f "$out/starling_${name}_bg.wasm" ]; then
        step "wasm-opt ($name): unchanged, kept"
        rm -rf "$fresh"
        return
    fi
    step "wasm-opt -Oz ($name)"
    "$bin/wasm-opt" -Oz --converge --strip-debug --strip-producers \
        --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
        --enable-mutable-globals --enable-reference-types --enable-multivalue \
        "$fresh/starling_${name}_bg.wasm" -o "$fresh/starling_${name}_bg.wasm"
    echo "$hash" >"$fresh/source.sha256"
    rm -rf "$out"
    mv "$fresh" "$out"
}

build_wasm playground
build_wasm player --no-default-features

step "esbuild (dist/app.js, dist/player.js)"
rm -rf "$dist"
mkdir -p "$dist"
esbuild_common=(--bundle --format=esm --minify --target=es2020 --charset=utf8
    --loader:.svg=text --loader:.txt=text --legal-comments=none)
# The page splits: dist/app.js starts the stage; the block editor (Blockly) and Blockly's Chinese
# messages load afterwards, as chunks (dist/chunks/), so the stage shows fast.
"$bin/esbuild" web/src/main.js "${esbuild_common[@]}" --splitting --outdir="$dist" \
    --entry-names=app --chunk-names='chunks/[name]-[hash]' \
    --alias:starling-engine=./pkg-playground/starling_playground.js
"$bin/esbuild" web/src/embed.js "${esbuild_common[@]}" \
    --alias:starling-engine=./pkg-player/starling_player.js --outfile="$dist/player.js"
cp web/index.html web/player.html web/style.css "$dist/"
# Blockly's cursors, sprites and click sounds (the editor's `media` option).
cp -r node_modules/blockly/media "$dist/blockly-media"
cp pkg-playground/starling_playground_bg.wasm pkg-player/starling_player_bg.wasm "$dist/"
# The sprite and backdrop library (sprites pane): the manifest and our SVGs, fetched only when a
# picker opens, so not part of the start-up download.
mkdir -p "$dist/library"
cp "$root/assets/library/library.json" "$dist/library/"
cp -r "$root/assets/library/sprites" "$root/assets/library/backdrops" "$dist/library/"

step "sizes"
node scripts/size.mjs "${check[@]}"
