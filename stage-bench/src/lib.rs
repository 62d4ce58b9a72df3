//! The stage benchmark of issue 4 ("Performance"): what a child's project with many sprites
//! costs per frame, natively and in wasm.
//!
//! Each scenario is a real Starling program (`programs/*.sb.txt`, compiled by the real compiler)
//! run by the real VM with the real [`Renderer`] as its stage, so the numbers include everything
//! a player pays: the scheduler, the blocks, the renderer's answers to bounds and `touching`
//! while blocks run, the pen layer, and drawing the frame. The costume is one original
//! 100×100 SVG (`assets/starling.svg`), compiled into the binary so the wasm build needs no files.
//!
//! A frame is timed in two parts: [`Bench::step`] (`Vm::step_frame`) and [`Bench::render`]
//! (`Vm::frame` and `Renderer::render` at scale 1, 480×360). The native binary (`src/main.rs`)
//! and the Node script (`run_wasm.mjs`, through the C-ABI exports of [`exports`]) print the same
//! table. The timing itself is the host's: this library reads no clock.

use starling_compiler::Lang;
use starling_render::{Pixmap, Renderer};
use starling_runtime::{Input, Vm, VmConfig};

/// The mixing benchmark (16 sounds at once, 1/30 s frames at 48 kHz), which `run_wasm.mjs` times
/// after the stage scenarios; natively it is `cargo run --release -p starling-audio --example
/// mix_bench`.
pub use starling_audio::mixer::bench::MixBench;

pub mod exports;

/// The costume every scenario uses: a starling, drawn for this benchmark.
pub const COSTUME_SVG: &[u8] = include_bytes!("../assets/starling.svg");
/// The costume's file name in the programs (`#costume starling = starling.svg`).
const COSTUME_FILE: &str = "starling.svg";

/// Frames run (stepped and drawn, not timed) before measuring: the clones are made in the first
/// frame, and caches (rasterised costumes, hulls) fill in the first few.
pub const WARMUP_FRAMES: usize = 20;
/// Frames measured.
pub const MEASURED_FRAMES: usize = 100;

/// One benchmark program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// 300 clones at sizes 30–150%, all directions, ghost 0–70, moving every frame; 60 of them
    /// draw with the pen.
    Clones,
    /// 300 clones moving and each asking `touching (Rock v)?` every frame.
    Touching,
    /// 300 clones each asking every frame whether they touch another clone of their own sprite
    /// (299 others each): the quadratic worst case of [`Scenario::Touching`].
    TouchingEachOther,
}

impl Scenario {
    pub const ALL: [Scenario; 3] = [
        Scenario::Clones,
        Scenario::Touching,
        Scenario::TouchingEachOther,
    ];

    /// The scenario's number in the wasm exports (its index in [`Scenario::ALL`]).
    pub fn from_index(index: i32) -> Option<Scenario> {
        usize::try_from(index)
            .ok()
            .and_then(|i| Scenario::ALL.get(i).copied())
    }

    /// The name printed in the table.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Clones => "300 clones + pen",
            Scenario::Touching => "300 touching",
            Scenario::TouchingEachOther => "300 touching each other",
        }
    }

    /// The program's text.
    pub fn source(self) -> &'static str {
        match self {
            Scenario::Clones => include_str!("../programs/clones.sb.txt"),
            Scenario::Touching => include_str!("../programs/touching.sb.txt"),
            Scenario::TouchingEachOther => include_str!("../programs/touching_each_other.sb.txt"),
        }
    }
}

/// A scenario's program loaded in a VM whose stage is a [`Renderer`], after the green flag.
pub struct Bench {
    vm: Vm,
    input: Input,
    /// The latest rendered frame, kept for the sanity checks ([`Bench::frame_coverage`]).
    last_frame: Option<Pixmap>,
}

impl Bench {
    /// Compiles the scenario, decodes its costume into a new renderer, gives the renderer to the
    /// VM as its stage and clicks the green flag. An error is a compile error or a costume the
    /// renderer reports a problem with (both would be bugs in this crate).
    pub fn new(scenario: Scenario) -> Result<Bench, String> {
        let compiled = starling_compiler::compile_text(scenario.source());
        let Some(program) = compiled.program else {
            let messages: Vec<String> = compiled
                .diagnostics
                .iter()
                .map(|d| d.to_plain(Lang::En))
                .collect();
            return Err(format!(
                "{} does not compile: {}",
                scenario.name(),
                messages.join("; ")
            ));
        };
        let mut renderer = Renderer::new();
        let problems = renderer.load_costumes(&program, &|file: &str| {
            (file == COSTUME_FILE).then(|| COSTUME_SVG.to_vec())
        });
        if let Some(p) = problems.first() {
            return Err(format!("costume {} of {}: {}", p.costume, p.sprite, p.en));
        }
        let mut vm = Vm::new(program, VmConfig::default());
        vm.set_stage(Box::new(renderer));
        vm.green_flag();
        Ok(Bench {
            vm,
            input: Input::default(),
            last_frame: None,
        })
    }

    /// One frame of the VM (what is timed as "step").
    pub fn step(&mut self) {
        self.vm.step_frame(&self.input);
    }

    /// Drops the frame's events (pen events, bubbles), as a host does after handling them. Not
    /// part of the timed work.
    pub fn drain_events(&mut self) {
        drop(self.vm.take_events());
    }

    /// Draws the stage as it is now at scale 1 (what is timed as "render"): the VM's draw
    /// description, then the renderer.
    pub fn render(&mut self) {
        let frame = self.vm.frame();
        let pixmap = renderer(&mut self.vm).render(&frame, 1.0);
        self.last_frame = Some(pixmap);
    }

    /// Clones alive now.
    pub fn clone_count(&self) -> usize {
        self.vm.sprites().filter(|s| s.is_clone).count()
    }

    /// The global `hits` variable of the touching scenarios: how many times a clone found
    /// itself touching so far (0 in the clones scenario).
    pub fn touch_hits(&self) -> f64 {
        self.vm
            .variable("Stage", "hits")
            .map_or(0.0, |v| v.to_number())
    }

    /// The share (0…1) of the latest frame's pixels that are neither transparent nor plain
    /// white: 0 means nothing was drawn (or no frame yet).
    pub fn frame_coverage(&self) -> f64 {
        self.last_frame.as_ref().map_or(0.0, |p| {
            coverage(p, |px| px[3] > 0 && px[..3] != [255, 255, 255])
        })
    }

    /// The share (0…1) of the pen layer that has been drawn on.
    pub fn pen_coverage(&mut self) -> f64 {
        coverage(renderer(&mut self.vm).pen_layer(), |px| px[3] > 0)
    }
}

/// The share of the pixmap's pixels (premultiplied RGBA) for which `counts` holds.
fn coverage(pixmap: &Pixmap, counts: impl Fn(&[u8]) -> bool) -> f64 {
    let pixels = pixmap.data().chunks_exact(4);
    let total = pixels.len();
    if total == 0 {
        return 0.0;
    }
    let n = pixels.filter(|&px| counts(px)).count();
    n as f64 / total as f64
}

/// The VM's stage as the renderer this crate gave it.
fn renderer(vm: &mut Vm) -> &mut Renderer {
    vm.stage_mut()
        .and_then(|s| s.as_any_mut().downcast_mut::<Renderer>())
        .expect("the bench's VM has a Renderer as its stage")
}

/// Median and 90th percentile of some timings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub median: f64,
    pub p90: f64,
}

/// The median (the mean of the two middle values for an even count) and the 90th percentile
/// (nearest rank) of `samples`. Both are 0 for no samples.
pub fn summarize(samples: &[f64]) -> Summary {
    if samples.is_empty() {
        return Summary {
            median: 0.0,
            p90: 0.0,
        };
    }
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let median = if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    };
    let rank = (0.9 * n as f64).ceil() as usize;
    Summary {
        median,
        p90: sorted[rank.clamp(1, n) - 1],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scenario_compiles_and_runs_with_300_clones() {
        for scenario in Scenario::ALL {
            let mut bench = Bench::new(scenario).unwrap_or_else(|e| panic!("{e}"));
            for _ in 0..3 {
                bench.step();
                bench.drain_events();
                bench.render();
            }
            assert_eq!(bench.clone_count(), 300, "{}", scenario.name());
            assert!(bench.frame_coverage() >= 0.0);
        }
    }

    #[test]
    fn scenario_indexes_round_trip() {
        for (i, scenario) in Scenario::ALL.iter().enumerate() {
            assert_eq!(Scenario::from_index(i as i32), Some(*scenario));
        }
        assert_eq!(Scenario::from_index(-1), None);
        assert_eq!(Scenario::from_index(3), None);
    }

    #[test]
    fn summary_is_median_and_nearest_rank_p90() {
        let samples: Vec<f64> = (1..=10).rev().map(f64::from).collect();
        assert_eq!(
            summarize(&samples),
            Summary {
                median: 5.5,
                p90: 9.0
            }
        );
        assert_eq!(
            summarize(&[2.0]),
            Summary {
                median: 2.0,
                p90: 2.0
            }
        );
        assert_eq!(
            summarize(&[]),
            Summary {
                median: 0.0,
                p90: 0.0
            }
        );
    }
}
