//! `starling convert IN OUT`: Scratch 3 projects (.sb3) to Starling text and back.
//!
//! The input's format comes from its content; the output's from its name (`.sb3` writes a
//! Scratch project, anything else text). Text → .sb3 packs the costume and sound files the text
//! refers to (paths relative to the text file); .sb3 → text writes the project's files beside
//! the text file, where its `#costume`/`#sound` lines point.

use std::io;
use std::path::{Path, PathBuf};

use starling_compiler::sb3::{self, Sb3Assets};
use starling_compiler::{compile_sb3, compile_text, syntax, Lang, Message};

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
    render::render_diagnostics(io.err, input, &source, &compiled.diagnostics, lang, io.color)?;
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
        let base = Path::new(input).parent().map(Path::to_path_buf).unwrap_or_default();
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
        let bytes = sb3::save(project, &assets);
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
        let dir = Path::new(output).parent().map(Path::to_path_buf).unwrap_or_default();
        for (name, bytes) in assets.files.iter() {
            let Some(path) = safe_join(&dir, name) else {
                continue;
            };
            if let Err(e) = std::fs::write(&path, bytes) {
                writeln!(io.err, "{}", text::cannot_write(&path.to_string_lossy(), &e).get(lang))?;
                return Ok(EXIT_FAILED);
            }
        }
    }
    Ok(EXIT_OK)
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
    use super::safe_join;
    use std::path::Path;

    #[test]
    fn asset_names_cannot_escape_the_folder() {
        let d = Path::new("out");
        assert_eq!(safe_join(d, "a.svg"), Some(d.join("a.svg")));
        for bad in ["../a.svg", "a/b.svg", "..", "", "C:x", ".hidden", "a\\b"] {
            assert_eq!(safe_join(d, bad), None, "{bad}");
        }
    }
}
