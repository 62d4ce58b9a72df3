//! Prints the block catalog as JSON (see `starling_compiler::catalog::export`), for the block
//! editor: `cargo run -p starling-compiler --example catalog_json > playground/web/src/editor/catalog.json`.

fn main() {
    println!("{}", starling_compiler::catalog::export::catalog_json());
}
