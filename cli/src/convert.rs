//! `starling convert IN OUT`: Scratch 3 projects (.sb3) to Starling text and back.
//!
//! The input's format comes from its content; the output's from its name (`.sb3` writes a
//! Scratch project, anything else text). Text → .sb3 packs the costume and sound files the text
//! refers to (paths relative to the text file); .sb3 → text writes the project's files beside
//! the text file, where its `#costume`/`#sound` lines point.

use std::io;
use std::path::{Path, PathBuf};

use starling_compiler::ir::{self, Project};
use starling_compiler::sb3::{self, Sb3Assets};
use starling_compiler::{compile_sb3, compile_text, syntax, Lang, Message};
use starling_render::Renderer;
use starling_runtime::Program;

use crate::{read_program, render, text, Io, ProgramFile, EXIT_FAILED, EXIT_OK};

/// Runs the conversion and returns the exit code.
pub fn convert(input: &str, output: &str, lang: Lang, io: &mut Io<'_>) -> io::Result<i32> {
    let file = match read_program(input) {
        Ok(f) => f,
        Err(message) => {
            writeln!(io.err, "{}", message.get(lang))?;
            return Ok(EXIT_FAILED);
        }
    };
    let (source, compiled, mut assets) = match file {
        ProgramFile::Text(source) => {
            let compiled = compile_text(&source);
            (source, compiled, Sb3Assets::default())
        }
        ProgramFile::Scratch(bytes) => {
            let (compiled, assets) = compile_sb3(&bytes);
            (String::new(), compiled, assets)
        }
    };
    render::render_diagnostics(
        io.err,
        input,
        &source,
        &compiled.diagnostics,
        lang,
        io.color,
    )?;
    if compiled.has_errors() || compiled.project.targets.is_empty() {
        writeln!(io.err, "{}", not_converted(input).get(lang))?;
        return Ok(EXIT_FAILED);
    }
    let project = &compiled.project;
    let to_sb3 = Path::new(output)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("sb3"));
    if to_sb3 {
        // Gather the files the text refers to, relative to the text file.
        let base = Path::new(input)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        for target in &project.targets {
            let files = target
                .def
                .costumes
                .iter()
                .filter_map(|c| c.file.as_deref())
                .chain(target.def.sounds.iter().filter_map(|s| s.file.as_deref()));
            for name in files {
                if assets.get(name).is_some() {
                    continue;
                }
                match std::fs::read(base.join(name)) {
                    Ok(bytes) => assets.insert(name, bytes),
                    Err(_) => writeln!(io.err, "{}", missing_asset(name).get(lang))?,
                }
            }
        }
        let mut project = project.clone();
        if let Some(program) = &compiled.program {
            fill_rotation_centres(&mut project, program, &assets);
        }
        let bytes = sb3::save(&project, &assets);
        if let Err(e) = std::fs::write(output, bytes) {
            writeln!(io.err, "{}", text::cannot_write(output, &e).get(lang))?;
            return Ok(EXIT_FAILED);
        }
    } else {
        let text_out = syntax::print(project, lang);
        if let Err(e) = std::fs::write(output, text_out) {
            writeln!(io.err, "{}", text::cannot_write(output, &e).get(lang))?;
            return Ok(EXIT_FAILED);
        }
        let dir = Path::new(output)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        for (name, bytes) in assets.files.iter() {
            let Some(path) = safe_join(&dir, name) else {
                continue;
            };
            if let Err(e) = std::fs::write(&path, bytes) {
                writeln!(
                    io.err,
                    "{}",
                    text::cannot_write(&path.to_string_lossy(), &e).get(lang)
                )?;
                return Ok(EXIT_FAILED);
            }
        }
    }
    Ok(EXIT_OK)
}

/// A text project's costume has no rotation centre (it turns around the middle of its image),
/// but an .sb3 must name one, in the costume's own pixels from its top-left corner. The
/// renderer decodes each such costume and knows its middle (in stage units; a bitmap has
/// `bitmap_resolution` pixels per unit, a vector costume one). Costumes it cannot decode keep
/// none (the saver then writes 0, 0), as before.
fn fill_rotation_centres(project: &mut Project, program: &Program, assets: &Sb3Assets) {
    let missing = |t: &ir::Target| t.def.costumes.iter().any(|c| c.rotation_center.is_none());
    if !project.targets.iter().any(missing) {
        return;
    }
    let mut renderer = Renderer::new();
    let problems = renderer.load_costumes(program, &|name| assets.get(name).map(<[u8]>::to_vec));
    for (target_idx, target) in project.targets.iter_mut().enumerate() {
        let sprite = target.def.name.clone();
        for (costume_idx, costume) in target.def.costumes.iter_mut().enumerate() {
            if costume.rotation_center.is_some()
                || problems
                    .iter()
                    .any(|p| p.sprite == sprite && p.costume == costume.name)
            {
                continue;
            }
            let Some(skin) = renderer.skin(target_idx as u32, costume_idx) else {
                continue;
            };
            let bytes = costume.file.as_deref().and_then(|f| assets.get(f));
            let pixels_per_unit = if bytes.is_some_and(looks_like_svg) {
                1.0
            } else if costume.bitmap_resolution.is_finite() && costume.bitmap_resolution > 0.0 {
                costume.bitmap_resolution
            } else {
                1.0
            };
            let [x, y] = skin.rotation_center;
            costume.rotation_center = Some((x * pixels_per_unit, y * pixels_per_unit));
        }
    }
}

/// Whether a costume file is an SVG (XML text) rather than a bitmap.
fn looks_like_svg(bytes: &[u8]) -> bool {
    let start = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = start
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map_or(&[][..], |i| &start[i..]);
    start.starts_with(b"<")
}

/// `dir/name` when `name` is a plain file name (no folders, not `..`), so a hostile project
/// cannot write outside the output's folder.
fn safe_join(dir: &Path, name: &str) -> Option<PathBuf> {
    let plain = !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\', ':'])
        && !name.starts_with('.');
    plain.then(|| dir.join(name))
}

fn not_converted(input: &str) -> Message {
    Message::new(
        format!("{input} has problems, so it was not converted. Fix the errors above first."),
        format!("{input} 有问题，所以没有转换。请先改正上面的错误。"),
    )
}

fn missing_asset(name: &str) -> Message {
    Message::new(
        format!("Could not read the file {name}, so the project is saved without it."),
        format!("读不到文件 {name}，所以保存的作品里没有它。"),
    )
}

#[cfg(test)]
mod tests {
    use super::{looks_like_svg, safe_join};
    use std::path::Path;

    #[test]
    fn svg_or_bitmap() {
        assert!(looks_like_svg(b"<svg xmlns='http://www.w3.org/2000/svg'/>"));
        assert!(looks_like_svg(b"\xEF\xBB\xBF  <?xml version='1.0'?><svg/>"));
        assert!(!looks_like_svg(b"\x89PNG\r\n"));
        assert!(!looks_like_svg(b""));
    }

    #[test]
    fn asset_names_cannot_escape_the_folder() {
        let d = Path::new("out");
        assert_eq!(safe_join(d, "a.svg"), Some(d.join("a.svg")));
        for bad in ["../a.svg", "a/b.svg", "..", "", "C:x", ".hidden", "a\\b"] {
            assert_eq!(safe_join(d, bad), None, "{bad}");
        }
    }
}
