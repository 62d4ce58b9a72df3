//! Starling's web playground engine: the compiler and the VM in the browser.
//!
//! The page (`playground/web/`) owns everything a person sees: it decodes costumes with the
//! browser (SVG through an `<img>`, pictures through `createImageBitmap`), draws each frame with
//! Canvas 2D, reads the keyboard, mouse and touch, and runs a steady 30 Hz loop. This crate owns
//! everything that must behave exactly as Scratch: compiling, running the scripts, touching and
//! colours (on the costumes' pixels the page hands in), the pen layer, the effects, and where
//! each sprite and bubble goes. [`session::Session`] is that engine in plain Rust, tested
//! natively; the `web` module exports it to JavaScript as the `Playground` class.
//!
//! Architecture Invariant: this is the only crate that touches `web-sys`/`js-sys`, and only in
//! the `web` module, which exists only in the wasm build.
//!
//! Architecture Invariant: no clock is read here. The page decides when a frame is due and
//! passes the wall-clock time once per load (for dates); the VM's own time is its frame count.

pub mod audio;
/// Which scripts run, for the editor's glow.
pub mod glow;
pub mod session;
/// The editor's text view (one target's scripts as text and back); not in the player build.
#[cfg(feature = "text-programs")]
pub mod text_view;

#[cfg(target_arch = "wasm32")]
mod web;

pub use session::Session;
