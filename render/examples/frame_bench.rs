//! Times the compositor: 300 sprites of a 100×100 costume (sizes 30…150%, all directions, a
//! third of them with ghost) over a backdrop and a pen layer full of lines, at scale 1.
//!
//! `cargo run --release -p starling-render --example frame_bench`
//!
//! The costume is made here: a soft-edged circle drawn with tiny-skia, once as a PNG (a bitmap
//! costume, sampled nearest-neighbour as Scratch samples bitmaps) and once as an SVG (a vector
//! costume, sampled linearly at these sizes), loaded through `Renderer::load_costumes` as a host
//! would. Costume decoding happens before the timing starts.

use std::time::Instant;

use starling_render::Renderer;
use starling_runtime::io::PenEvent;
use starling_runtime::program::{CostumeDef, RotationStyle, TargetDef};
use starling_runtime::stage::{Drawable, Frame, Stage, EFFECT_COLOR, EFFECT_GHOST, EFFECT_WHIRL};
use starling_runtime::Program;
use tiny_skia::{Color, FillRule, Paint, PathBuilder, Pixmap, Transform};

const SPRITES: usize = 300;
const FRAMES: usize = 60;

const CIRCLE_SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100" viewBox="0 0 100 100">
  <circle cx="50" cy="50" r="46" fill="#ffab19" stroke="#cf8b17" stroke-width="6"/>
  <circle cx="35" cy="40" r="8" fill="#ffffff"/><circle cx="65" cy="40" r="8" fill="#ffffff"/>
</svg>"##;

fn circle_png() -> Vec<u8> {
    let mut pm = Pixmap::new(100, 100).expect("pixmap");
    let mut paint = Paint::default();
    paint.anti_alias = true;
    paint.set_color(Color::from_rgba8(255, 171, 25, 255));
    let circle = PathBuilder::from_circle(50.0, 50.0, 46.0).expect("circle");
    pm.fill_path(
        &circle,
        &paint,
        FillRule::Winding,
        Transform::identity(),
        None,
    );
    paint.set_color(Color::WHITE);
    for x in [35.0, 65.0] {
        let eye = PathBuilder::from_circle(x, 40.0, 8.0).expect("eye");
        pm.fill_path(&eye, &paint, FillRule::Winding, Transform::identity(), None);
    }
    pm.encode_png().expect("png")
}

fn backdrop_png() -> Vec<u8> {
    let mut pm = Pixmap::new(480, 360).expect("pixmap");
    pm.fill(Color::from_rgba8(230, 240, 255, 255));
    pm.encode_png().expect("png")
}

fn costume(name: &str, file: &str) -> CostumeDef {
    CostumeDef {
        name: name.into(),
        file: Some(file.into()),
        rotation_center: None,
        bitmap_resolution: 1.0,
        size: None,
    }
}

fn program() -> Program {
    let mut stage = TargetDef::new("Stage", true);
    stage.costumes.push(costume("backdrop", "backdrop.png"));
    let mut sprite = TargetDef::new("Ball", false);
    sprite.costumes.push(costume("bitmap", "circle.png"));
    sprite.costumes.push(costume("vector", "circle.svg"));
    Program {
        targets: vec![stage, sprite],
        ..Program::default()
    }
}

/// A small deterministic generator (xorshift), so every run draws the same frame.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.next()
    }
}

fn drawable(id: u32, target: u32, costume: usize) -> Drawable {
    Drawable {
        id,
        target,
        costume,
        x: 0.0,
        y: 0.0,
        direction: 90.0,
        size: 100.0,
        rotation_style: RotationStyle::AllAround,
        effects: [0.0; 7],
        visible: true,
    }
}

/// 300 sprites; `extra` adds a colour or shape effect to every tenth one.
fn frame(costume: usize, extra: bool) -> Frame {
    let mut rng = Rng(0x5eed_cafe_f00d);
    let sprites = (0..SPRITES)
        .map(|i| {
            let mut d = drawable(i as u32 + 1, 1, costume);
            d.x = rng.range(-240.0, 240.0);
            d.y = rng.range(-180.0, 180.0);
            d.size = rng.range(30.0, 150.0);
            d.direction = rng.range(-180.0, 180.0);
            if i % 3 == 0 {
                d.effects[EFFECT_GHOST] = rng.range(10.0, 90.0);
            }
            if std::env::var("FORCE").is_ok() {
                d.effects[starling_runtime::stage::EFFECT_BRIGHTNESS] = 1e-9;
            }
            if extra && i % 10 == 1 {
                d.effects[EFFECT_COLOR] = 25.0;
            }
            if extra && i % 10 == 2 {
                d.effects[EFFECT_WHIRL] = 90.0;
            }
            d
        })
        .collect();
    Frame {
        stage: drawable(0, 0, 0),
        sprites,
        bubbles: Vec::new(),
        monitors: Vec::new(),
    }
}

fn pen_lines(r: &mut Renderer) {
    let mut rng = Rng(42);
    let (mut x, mut y) = (0.0, 0.0);
    for i in 0..2000 {
        let (nx, ny) = (rng.range(-240.0, 240.0), rng.range(-180.0, 180.0));
        let line = PenEvent::Line {
            x0: x,
            y0: y,
            x1: x + (nx - x) * 0.1,
            y1: y + (ny - y) * 0.1,
            rgba: [rng.next() as f32, rng.next() as f32, 1.0, 1.0],
            size: f64::from(1 + i % 8),
        };
        r.pen(&line);
        (x, y) = (x + (nx - x) * 0.1, y + (ny - y) * 0.1);
    }
}

/// Median milliseconds per call of `f` over `n` calls (after two warm-up calls).
fn median_ms(n: usize, mut f: impl FnMut()) -> f64 {
    f();
    f();
    let mut times: Vec<f64> = (0..n)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[n / 2]
}

fn main() {
    let program = program();
    let files = |name: &str| match name {
        "circle.png" => Some(circle_png()),
        "circle.svg" => Some(CIRCLE_SVG.as_bytes().to_vec()),
        "backdrop.png" => Some(backdrop_png()),
        _ => None,
    };
    let mut r = Renderer::new();
    let problems = r.load_costumes(&program, &files);
    for p in &problems {
        eprintln!("costume problem: {} / {}: {}", p.sprite, p.costume, p.en);
    }

    if std::env::var("ONLY").is_ok() {
        let f = frame(std::env::var("ONLY").unwrap().parse().unwrap(), false);
        for _ in 0..100 {
            std::hint::black_box(r.render(&f, 1.0));
        }
        return;
    }
    let pen_ms = median_ms(FRAMES, || {
        r.pen(&PenEvent::Clear);
        pen_lines(&mut r);
    });
    println!("pen: 2000 lines (size 1…8, ~20 px long)       {pen_ms:7.3} ms");

    for (costume, name) in [(0, "bitmap"), (1, "vector")] {
        for extra in [false, true] {
            let f = frame(costume, extra);
            for scale in [1.0f32, 2.0] {
                let ms = median_ms(FRAMES, || {
                    let out = r.render(&f, scale);
                    std::hint::black_box(out);
                });
                let what = if extra {
                    "+ colour/whirl on 20%"
                } else {
                    "ghost on a third"
                };
                println!("frame: {SPRITES} {name} sprites, {what:<22} scale {scale}: {ms:7.3} ms");
            }
        }
    }

    let stamp = frame(0, false).sprites[5].clone();
    let stamp_ms = median_ms(FRAMES, || {
        for _ in 0..100 {
            r.pen(&PenEvent::Stamp {
                target: "Ball".into(),
                drawable: stamp.clone(),
            });
        }
    });
    println!("pen: 100 stamps                                {stamp_ms:7.3} ms");
}
