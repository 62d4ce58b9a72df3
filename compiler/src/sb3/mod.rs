//! Scratch 3 projects (.sb3): the loader and the saver.
//!
//! An .sb3 file is a zip archive holding `project.json` and the costume and sound files, each
//! named `<md5 of the bytes>.<ext>`. [`load`] reads one into the same checked [`ir::Project`]
//! the text front end produces (one back end, one runtime) and keeps the asset bytes in
//! [`Sb3Assets`] for the stage and sound code; [`save`] writes an [`ir::Project`] back out as an
//! .sb3 that Scratch 3 and TurboWarp open.
//!
//! ```text
//! bytes ──zip (limits)──► project.json ──serde──► raw::RawProject ──lower──► ir::Project
//!                     └─► assets (name → bytes) ─────────────────────────────► Sb3Assets
//! ir::Project + Sb3Assets ──save──► project.json + assets ──zip──► bytes
//! ```
//!
//! What the loader does, following scratch-vm's `src/serialization/sb3.js`:
//!
//! - Targets: the stage first, then the sprites by `layerOrder` (back to front).
//! - Variables and lists keep their .sb3 ids in `VarDef::id`. A block's variable field is
//!   resolved as scratch-vm's `lookupOrCreateVariable` does at run time: by id (the sprite's own,
//!   then the stage's), then by name (own, then stage), and if neither exists it is created as
//!   the sprite's own variable with value 0 (or an empty list).
//! - Broadcasts are referred to by name. A broadcast menu's id is looked up in the stage's
//!   `broadcasts` (its name there wins over the menu's text, as in Scratch).
//! - Custom blocks: one [`ir::Procedure`] per `procedures_definition`; calls are matched to the
//!   first definition with the same proccode in the same sprite and their arguments to the
//!   definition's `argumentids`. A call to a custom block with no definition does nothing in
//!   Scratch, so it is dropped with a warning. An argument missing from a call gets the
//!   definition's default (`argumentdefaults`) for number/text parameters.
//! - Blocks from extensions Starling does not have (video sensing, text to speech, translate,
//!   micro:bit, …) are left out with one warning per block kind and sprite; a reporter left out
//!   leaves its slot empty. The rest of the project loads and runs.
//! - Broken files never panic: not a zip, no project.json, invalid JSON, wrong shapes, files too
//!   big, zip bombs, blocks linked in a loop or nested too deep each give an error diagnostic
//!   that says what is wrong. Limits: a file of at most 50 MB, at most 200 MB unpacked, a
//!   project.json of at most 20 MB, at most 20,000 files, blocks nested at most 300 deep.
//! - A missing costume or sound file is a warning: scratch-vm refuses such a project, Starling
//!   opens it with that costume empty (silent sound) so nothing else is lost. Anything odd that
//!   Scratch itself tolerates is read as Scratch reads it.
//! - Monitors of variables and lists become [`ir::MonitorDef`]s: the owner is the sprite named
//!   by `spriteName` (else the stage), the variable the one with the monitor's id (the owner's,
//!   then the stage's), else with its name. Monitors of reporters (`x position`, `timer`, …)
//!   are left out for now, with a warning when one is visible; broken entries are skipped, and
//!   at most 10,000 are read (`raw::MAX_MONITORS`).
//!
//! Not kept (the IR has no place for them): monitors of reporters, comments, block positions,
//! sprite-pane order, cloud-variable flags, video and text-to-speech settings.

mod lower;
mod md5;
mod raw;
mod save;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::io::{Cursor, Read};

use crate::diag::{Diagnostic, Message, SourceLoc};
use crate::ir;

pub use save::{save, save_project_json};

/// The costume and sound files of a project, by file name (`<md5>.<ext>` in .sb3 files).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sb3Assets {
    pub files: HashMap<String, Vec<u8>>,
}

impl Sb3Assets {
    /// The bytes of the file `name`, if the project has it.
    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.files.get(name).map(Vec::as_slice)
    }

    pub fn insert(&mut self, name: impl Into<String>, bytes: Vec<u8>) {
        self.files.insert(name.into(), bytes);
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// What [`load`] gives back.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The project, unless the file could not be read at all (not a zip, no or broken
    /// project.json, a zip bomb, …). When only some scripts are broken the project is still
    /// here without them, and `diagnostics` has an error for each.
    pub project: Option<ir::Project>,
    /// Every file of the archive other than project.json, by name.
    pub assets: Sb3Assets,
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Size limits that keep a broken or malicious file from exhausting memory.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// Largest .sb3 file accepted.
    pub file: usize,
    /// Most bytes unpacked from the archive in total.
    pub unpacked: u64,
    /// Largest project.json.
    pub json: u64,
    /// Most files in the archive.
    pub entries: u64,
}

impl Limits {
    pub const DEFAULT: Limits = Limits {
        file: 50 << 20,
        unpacked: 200 << 20,
        json: 20 << 20,
        entries: 20_000,
    };
}

/// Deepest nesting of blocks inside blocks (inputs and C-block bodies) that is read. Projects
/// made in Scratch's editor come nowhere near it; deeper ones come from broken or generated
/// files. Every phase that walks the IR (loading, code generation, saving, printing) recurses
/// once per level; in a debug build a level of the saver takes about 4 KB of stack, so 300
/// levels stay well inside the 2 MB stack of a test thread (and of a browser's wasm stack in
/// release builds, where frames are far smaller).
pub(crate) const MAX_DEPTH: usize = 300;

/// Loads an .sb3 file (a zip archive). A bare project.json (text starting with `{`) is accepted
/// too, as Scratch does.
pub fn load(bytes: &[u8]) -> Loaded {
    load_with_limits(bytes, Limits::DEFAULT)
}

/// Loads a bare project.json, with no asset files.
pub fn load_project_json(json: &str) -> Loaded {
    let mut diagnostics = Vec::new();
    let project = if json.len() as u64 > Limits::DEFAULT.json {
        diagnostics.push(too_big_json(json.len() as u64, Limits::DEFAULT.json));
        None
    } else {
        parse_and_lower(json, None, &mut diagnostics)
    };
    Loaded {
        project,
        assets: Sb3Assets::default(),
        diagnostics,
    }
}

pub(crate) fn load_with_limits(bytes: &[u8], limits: Limits) -> Loaded {
    let mut diagnostics = Vec::new();
    let empty = |diagnostics| Loaded {
        project: None,
        assets: Sb3Assets::default(),
        diagnostics,
    };
    if bytes.len() > limits.file {
        diagnostics.push(error(Message::new(
            format!(
                "This file is too big to open ({}). Starling opens projects up to {}.",
                megabytes(bytes.len() as u64),
                megabytes(limits.file as u64)
            ),
            format!(
                "这个文件太大了（{}），打不开。Starling 最多能打开 {} 的项目。",
                megabytes(bytes.len() as u64),
                megabytes(limits.file as u64)
            ),
        )));
        return empty(diagnostics);
    }
    // Scratch also opens a bare project.json.
    let first = bytes
        .iter()
        .find(|b| !b.is_ascii_whitespace() && **b != 0xEF && **b != 0xBB && **b != 0xBF);
    if first == Some(&b'{') {
        return match std::str::from_utf8(bytes) {
            Ok(text) => load_project_json(text),
            Err(_) => {
                diagnostics.push(not_text());
                empty(diagnostics)
            }
        };
    }
    let (json, assets) = match unzip(bytes, limits) {
        Ok(x) => x,
        Err(d) => {
            diagnostics.push(*d);
            return empty(diagnostics);
        }
    };
    let project = parse_and_lower(&json, Some(&assets), &mut diagnostics);
    Loaded {
        project,
        assets,
        diagnostics,
    }
}

/// Reads project.json and the asset files out of the archive, within `limits`.
fn unzip(bytes: &[u8], limits: Limits) -> Result<(String, Sb3Assets), Box<Diagnostic>> {
    if let Some(n) = declared_entries(bytes) {
        if n > limits.entries {
            return Err(bomb(limits).into());
        }
    }
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        error(Message::new(
            format!(
                "This file is not a Scratch 3 project (.sb3): it should be a zip archive, but it could not be opened as one ({e})."
            ),
            format!("这个文件不是 Scratch 3 项目（.sb3）：它应该是一个 zip 压缩包，但打不开（{e}）。"),
        ))
    })?;
    if archive.len() as u64 > limits.entries {
        return Err(bomb(limits).into());
    }
    // Like scratch-vm (JSZip `file(/^([^/]*\/)?project\.json$/)`): project.json at the top or
    // in one folder; the assets sit beside it.
    let mut json_at: Option<(usize, String)> = None;
    for i in 0..archive.len() {
        let Some(name) = archive.name_for_index(i) else {
            continue;
        };
        let folder = match name.rsplit_once('/') {
            Some((folder, "project.json")) if !folder.contains('/') => format!("{folder}/"),
            None if name == "project.json" => String::new(),
            _ => continue,
        };
        let shallower = match &json_at {
            None => true,
            Some((_, f)) => folder.len() < f.len(),
        };
        if shallower {
            json_at = Some((i, folder));
        }
    }
    let Some((json_index, folder)) = json_at else {
        return Err(error(Message::new(
            "This .sb3 file has no project.json inside, so it is not a Scratch 3 project.",
            "这个 .sb3 文件里没有 project.json，所以它不是 Scratch 3 项目。",
        ))
        .into());
    };
    let mut budget = limits.unpacked;
    let json_bytes = {
        let file = archive
            .by_index(json_index)
            .map_err(|e| broken_zip("project.json", &e))?;
        if file.size() > limits.json {
            return Err(too_big_json(file.size(), limits.json).into());
        }
        read_limited(file, limits.json.min(budget), "project.json").map_err(|e| match e {
            ReadError::TooBig => too_big_json(limits.json + 1, limits.json).into(),
            ReadError::Broken(d) => d,
        })?
    };
    budget -= json_bytes.len() as u64;
    let json_bytes = json_bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(&json_bytes)
        .to_vec();
    let json = String::from_utf8(json_bytes).map_err(|_| not_text())?;

    let mut assets = Sb3Assets::default();
    for i in 0..archive.len() {
        if i == json_index {
            continue;
        }
        let file = archive.by_index(i).map_err(|e| broken_zip("?", &e))?;
        if file.is_dir() {
            continue;
        }
        let Some(name) = file
            .name()
            .strip_prefix(folder.as_str())
            .map(str::to_string)
        else {
            continue;
        };
        // Only plain file names: hosts may write assets to disk by these names.
        if !is_plain_file_name(&name) {
            continue;
        }
        if file.size() > budget {
            return Err(bomb(limits).into());
        }
        let data = read_limited(file, budget, &name).map_err(|e| match e {
            ReadError::TooBig => bomb(limits).into(),
            ReadError::Broken(d) => d,
        })?;
        budget -= data.len() as u64;
        assets.insert(name, data);
    }
    Ok((json, assets))
}

/// A name that is safe as a file name on any system: no folders, no `..`, no control
/// characters.
fn is_plain_file_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name
            .chars()
            .any(|c| matches!(c, '/' | '\\' | ':') || c.is_control())
}

enum ReadError {
    TooBig,
    Broken(Box<Diagnostic>),
}

/// Reads a whole entry, failing once more than `limit` bytes come out. The declared size is not
/// trusted: a crafted archive can claim a small size and inflate to gigabytes.
fn read_limited(file: impl Read, limit: u64, name: &str) -> Result<Vec<u8>, ReadError> {
    let mut out = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| {
            ReadError::Broken(Box::new(error(Message::new(
                format!(
                    "The file {name} inside this project is damaged and cannot be unpacked ({e})."
                ),
                format!("这个项目里的文件 {name} 损坏了，无法解压（{e}）。"),
            ))))
        })?;
    if out.len() as u64 > limit {
        return Err(ReadError::TooBig);
    }
    Ok(out)
}

/// The number of files the archive's end records declare, checked before the zip reader
/// reserves memory for them.
fn declared_entries(bytes: &[u8]) -> Option<u64> {
    let tail_start = bytes.len().saturating_sub(65_557 + 76);
    let tail = &bytes[tail_start..];
    let mut most: Option<u64> = None;
    for i in 0..tail.len().saturating_sub(3) {
        let sig = &tail[i..i + 4];
        let n = if sig == b"PK\x05\x06" && i + 12 <= tail.len() {
            u16::from_le_bytes([tail[i + 10], tail[i + 11]]) as u64
        } else if sig == b"PK\x06\x06" && i + 40 <= tail.len() {
            u64::from_le_bytes(tail[i + 32..i + 40].try_into().ok()?)
        } else {
            continue;
        };
        most = Some(most.map_or(n, |m: u64| m.max(n)));
    }
    most
}

/// Parses project.json and lowers it. `assets` is `None` for a bare project.json (no missing
/// file warnings then).
fn parse_and_lower(
    json: &str,
    assets: Option<&Sb3Assets>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<ir::Project> {
    let json = json.strip_prefix('\u{feff}').unwrap_or(json);
    match serde_json::from_str::<raw::RawProject>(json) {
        Ok(raw) => lower::lower(raw, assets, diagnostics),
        Err(e) => {
            // Read it again loosely to say what is wrong in words.
            let message = match serde_json::from_str::<serde_json::Value>(json) {
                Err(e) => error(Message::new(
                    format!("The project.json inside this file is broken: {e}."),
                    format!("这个文件里的 project.json 坏了：{e}。"),
                )),
                Ok(value) => match check_shape(&value) {
                    Err(d) => *d,
                    Ok(()) => wrong_shape(&e.to_string()),
                },
            };
            diagnostics.push(message);
            None
        }
    }
}

/// The top-level shape, checked by hand for messages that say where the problem is.
fn check_shape(value: &serde_json::Value) -> Result<(), Box<Diagnostic>> {
    use serde_json::Value;
    let Value::Object(top) = value else {
        return Err(wrong_shape("it is not an object with `targets`").into());
    };
    if top.contains_key("objName") || top.contains_key("children") && !top.contains_key("targets") {
        return Err(error(Message::new(
            "This is a Scratch 2 project. Open it in Scratch 3 and save it again, then Starling can open it.",
            "这是一个 Scratch 2 项目。请先用 Scratch 3 打开并重新保存，然后 Starling 就能打开它了。",
        ))
        .into());
    }
    match top.get("targets") {
        None => Err(wrong_shape("it has no `targets` (the stage and sprites)").into()),
        Some(Value::Array(targets)) => {
            for (i, t) in targets.iter().enumerate() {
                if !t.is_object() {
                    return Err(wrong_shape(&format!("target {} is not an object", i + 1)).into());
                }
            }
            Ok(())
        }
        Some(_) => Err(wrong_shape("`targets` should be a list of the stage and sprites").into()),
    }
}

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

fn error(message: Message) -> Diagnostic {
    Diagnostic::error(SourceLoc::None, message)
}

fn megabytes(n: u64) -> String {
    let mb = n as f64 / (1u64 << 20) as f64;
    if mb >= 10.0 {
        format!("{mb:.0} MB")
    } else {
        format!("{mb:.1} MB")
    }
}

fn wrong_shape(what: &str) -> Diagnostic {
    error(Message::new(
        format!(
            "The project.json inside this file does not look like a Scratch 3 project: {what}."
        ),
        format!("这个文件里的 project.json 看起来不像 Scratch 3 项目：{what}。"),
    ))
}

fn not_text() -> Diagnostic {
    error(Message::new(
        "The project.json inside this file is not text, so it cannot be read.",
        "这个文件里的 project.json 不是文本，无法读取。",
    ))
}

fn too_big_json(size: u64, limit: u64) -> Diagnostic {
    error(Message::new(
        format!(
            "The project.json inside this file is too big ({} or more; Starling reads up to {}). The file may be broken.",
            megabytes(size),
            megabytes(limit)
        ),
        format!(
            "这个文件里的 project.json 太大了（至少 {}；Starling 最多读取 {}）。文件可能已损坏。",
            megabytes(size),
            megabytes(limit)
        ),
    ))
}

fn bomb(limits: Limits) -> Diagnostic {
    error(Message::new(
        format!(
            "This project unpacks to more than {} (or more than {} files), which is too big to open. The file may be broken, or made to trick programs (a \"zip bomb\").",
            megabytes(limits.unpacked),
            limits.entries
        ),
        format!(
            "这个项目解压后超过 {}（或超过 {} 个文件），太大了，打不开。文件可能已损坏，或者是故意做来欺骗程序的（“zip 炸弹”）。",
            megabytes(limits.unpacked),
            limits.entries
        ),
    ))
}

fn broken_zip(name: &str, e: &zip::result::ZipError) -> Diagnostic {
    error(Message::new(
        format!("The file {name} inside this project is damaged and cannot be unpacked ({e})."),
        format!("这个项目里的文件 {name} 损坏了，无法解压（{e}）。"),
    ))
}
