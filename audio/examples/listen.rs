//! Writes every synthesised instrument, drum and library sound as a WAV file so a person can
//! listen to them, and prints how loud each is and how long it took to make.
//!
//! `cargo run --release -p starling-audio --example listen -- [FOLDER]` (default `listen-out`).

use std::time::Instant;

use starling_audio::{library, synth, Sound};

const RATE: u32 = 48_000;

/// 16-bit mono PCM WAV.
fn wav_bytes(sound: &Sound) -> Vec<u8> {
    let data_len = (sound.samples.len() * 2) as u32;
    let mut out = Vec::with_capacity(44 + data_len as usize);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&sound.rate.to_le_bytes());
    out.extend_from_slice(&(sound.rate * 2).to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    for &v in &sound.samples {
        out.extend_from_slice(&((v.clamp(-1.0, 1.0) * 32767.0) as i16).to_le_bytes());
    }
    out
}

fn rms(samples: &[f32]) -> f32 {
    if samples.is_empty() {
        return 0.0;
    }
    (samples.iter().map(|v| v * v).sum::<f32>() / samples.len() as f32).sqrt()
}

fn peak(samples: &[f32]) -> f32 {
    samples.iter().fold(0.0, |m, v| m.max(v.abs()))
}

fn slug(name: &str) -> String {
    name.to_lowercase().replace(' ', "-")
}

/// Median time of `runs` calls of `f`, in microseconds.
fn time(runs: usize, mut f: impl FnMut() -> Sound) -> f64 {
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[runs / 2]
}

fn main() -> std::io::Result<()> {
    let folder = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "listen-out".to_string());
    std::fs::create_dir_all(&folder)?;
    println!("instrument          rms(0.5s@60)  peak   1s note@48k (µs): n36   n60   n84");
    for i in 1..=synth::INSTRUMENT_COUNT {
        let name = synth::instrument_name(i);
        // A little tune per instrument: C E G C' held, then a low note.
        let mut tune: Vec<f32> = Vec::new();
        let mut start = 0usize;
        for (n, secs) in [
            (60.0, 0.4),
            (64.0, 0.4),
            (67.0, 0.4),
            (72.0, 1.0),
            (48.0, 0.8),
        ] {
            let s = synth::note(i, n, secs, RATE);
            if tune.len() < start + s.samples.len() {
                tune.resize(start + s.samples.len(), 0.0);
            }
            for (j, v) in s.samples.iter().enumerate() {
                tune[start + j] += v;
            }
            start += (secs * f64::from(RATE)) as usize;
        }
        let reference = synth::note(i, 60.0, 0.5, RATE);
        let window = &reference.samples[..reference.samples.len().min(RATE as usize / 2)];
        let times: Vec<f64> = [36.0, 60.0, 84.0]
            .iter()
            .map(|&n| time(15, || synth::note(i, n, 1.0, RATE)))
            .collect();
        println!(
            "{:2} {:16} {:.3}         {:.2}   {:6.0} {:6.0} {:6.0}",
            i,
            name,
            rms(window),
            peak(&reference.samples),
            times[0],
            times[1],
            times[2]
        );
        let sound = Sound {
            rate: RATE,
            samples: tune,
        };
        std::fs::write(
            format!("{folder}/instrument-{i:02}-{}.wav", slug(name)),
            wav_bytes(&sound),
        )?;
    }
    println!("\ndrum                rms(0.1s)  peak  length(s)  time (µs)");
    for d in 1..=synth::DRUM_COUNT {
        let name = synth::drum_name(d);
        let s = synth::drum(d, RATE);
        let t = time(15, || synth::drum(d, RATE));
        let window = &s.samples[..s.samples.len().min(RATE as usize / 10)];
        println!(
            "{:2} {:16} {:.3}      {:.2}  {:.2}      {:6.0}",
            d,
            name,
            rms(window),
            peak(&s.samples),
            s.seconds(),
            t
        );
        std::fs::write(
            format!("{folder}/drum-{d:02}-{}.wav", slug(name)),
            wav_bytes(&s),
        )?;
    }
    println!("\nlibrary sound       rms   peak  length(s)  time (µs)");
    for sound in library::all() {
        let s = sound.render(RATE);
        let t = time(5, || sound.render(RATE));
        println!(
            "{:18} {:.3}  {:.2}  {:.2}      {:7.0}",
            sound.id,
            rms(&s.samples),
            peak(&s.samples),
            s.seconds(),
            t
        );
        std::fs::write(format!("{folder}/library-{}.wav", sound.id), wav_bytes(&s))?;
    }
    println!("\nwrote WAVs to {folder}/");
    Ok(())
}
