//! project.json (as [`raw`] structs) → checked IR.
//!
//! Each target is lowered on its own: its blocks are decoded, its custom block definitions are
//! collected first (so calls can refer to definitions that come later), then every top-level
//! block becomes a script or a procedure. Block chains are walked with an explicit `active` set
//! (a block reached again while it is still being read is a loop: an error, not a hang), a depth
//! limit ([`MAX_DEPTH`]) and a budget of blocks per target (so a file that shares one block
//! between many inputs cannot make the work explode).

use std::collections::{HashMap, HashSet};

use serde_json::Value;
use starling_runtime::isa::LOCAL;
use starling_runtime::program::{CostumeDef, ListDef, RotationStyle, SoundDef, VarDef};
use starling_runtime::value::Value as SValue;

use super::raw::{self, BlockData, Prim, RawBlock, RawField, RawInput, RawTarget, Ref};
use super::{Sb3Assets, MAX_DEPTH};
use crate::catalog::{self, ArgSpec, BlockSpec, Shape, SlotKind};
use crate::diag::{Diagnostic, Message, SourceLoc};
use crate::ir::{self, Arg, Block, Expr, Param, VarRef};

/// Lowers a whole project. `None` only when it has no stage.
pub(crate) fn lower(
    raw: raw::RawProject,
    assets: Option<&Sb3Assets>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<ir::Project> {
    let specs: HashMap<&'static str, &'static BlockSpec> =
        catalog::BLOCKS.iter().map(|b| (b.opcode, b)).collect();
    let raw::RawProject {
        targets: raw_targets,
        monitors: raw_monitors,
    } = raw;

    let mut stage_raw = None;
    let mut sprites = Vec::new();
    for (i, t) in raw_targets.into_iter().enumerate() {
        if t.is_stage == Some(true) {
            if stage_raw.is_none() {
                stage_raw = Some(t);
            } else {
                diagnostics.push(Diagnostic::warning(
                    SourceLoc::None,
                    Message::new(
                        "This project has more than one stage; Starling uses the first one.",
                        "这个项目有不止一个舞台，Starling 只用第一个。",
                    ),
                ));
            }
        } else {
            sprites.push((i, t));
        }
    }
    let Some(stage_raw) = stage_raw else {
        diagnostics.push(Diagnostic::error(
            SourceLoc::None,
            Message::new(
                "This project has no stage, so it cannot be opened. The file may be broken.",
                "这个项目没有舞台，无法打开。文件可能已损坏。",
            ),
        ));
        return None;
    };
    // Back to front, as scratch-vm sorts them; a sprite without `layerOrder` keeps its place.
    sprites.sort_by(|(ia, a), (ib, b)| {
        let ka = a.layer_order.unwrap_or(*ia as f64);
        let kb = b.layer_order.unwrap_or(*ib as f64);
        ka.partial_cmp(&kb).unwrap_or(std::cmp::Ordering::Equal)
    });

    let stage = lower_target(stage_raw, None, &specs, assets, diagnostics);
    let stage_scopes = StageScopes {
        vars: Scope::new(
            stage
                .target
                .def
                .variables
                .iter()
                .map(|v| (v.name.as_str(), v.id.as_deref())),
        ),
        lists: Scope::new(
            stage
                .target
                .def
                .lists
                .iter()
                .map(|l| (l.name.as_str(), l.id.as_deref())),
        ),
        names: (
            stage
                .target
                .def
                .variables
                .iter()
                .map(|v| v.name.clone())
                .collect(),
            stage
                .target
                .def
                .lists
                .iter()
                .map(|l| l.name.clone())
                .collect(),
        ),
        broadcasts: stage.broadcasts.clone(),
    };
    let mut targets = vec![stage.target];
    // Each sprite's place in project.json, which decides between sprites of the same name.
    let mut file_order = vec![0];
    for (i, sprite) in sprites {
        let lowered = lower_target(sprite, Some(&stage_scopes), &specs, assets, diagnostics);
        targets.push(lowered.target);
        file_order.push(i);
    }
    let monitors = lower_monitors(raw_monitors, &targets, &file_order, diagnostics);
    Some(ir::Project { targets, monitors })
}

/// The variable and list monitors, as scratch-vm finds their variables: the owner is the sprite
/// named `spriteName` (the first in project.json with that name) or the stage; the variable is
/// the one with the monitor's id (the owner's, else the stage's), else the one with its name.
/// Monitors of reporters (`x position`, `timer`, …) are not kept yet; broken entries are
/// skipped. Both get one warning if any of them was visible.
fn lower_monitors(
    raw: raw::RawMonitors,
    targets: &[ir::Target],
    file_order: &[usize],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<ir::MonitorDef> {
    use ir::MonitorMode;
    if raw.monitors.is_empty() && raw.skipped == 0 {
        return Vec::new();
    }
    /// Id → index and name → index (the first of each) of one target's variables or lists.
    #[derive(Default)]
    struct Names<'a> {
        by_id: HashMap<&'a str, u32>,
        by_name: HashMap<&'a str, u32>,
    }
    fn names<'a>(entries: impl Iterator<Item = (&'a str, Option<&'a str>)>) -> Names<'a> {
        let mut n = Names::default();
        for (i, (name, id)) in entries.enumerate() {
            if let Some(id) = id {
                n.by_id.entry(id).or_insert(i as u32);
            }
            n.by_name.entry(name).or_insert(i as u32);
        }
        n
    }
    let vars: Vec<Names> = targets
        .iter()
        .map(|t| {
            names(
                t.def
                    .variables
                    .iter()
                    .map(|v| (v.name.as_str(), v.id.as_deref())),
            )
        })
        .collect();
    let lists: Vec<Names> = targets
        .iter()
        .map(|t| {
            names(
                t.def
                    .lists
                    .iter()
                    .map(|l| (l.name.as_str(), l.id.as_deref())),
            )
        })
        .collect();
    let mut sprite_by_name: HashMap<&str, (usize, usize)> = HashMap::new();
    for (ti, t) in targets.iter().enumerate().skip(1) {
        let order = file_order.get(ti).copied().unwrap_or(ti);
        let entry = sprite_by_name
            .entry(t.def.name.as_str())
            .or_insert((order, ti));
        if order < entry.0 {
            *entry = (order, ti);
        }
    }

    let mut out = Vec::new();
    let mut seen: HashSet<(u32, bool, u32)> = HashSet::new();
    let mut damaged = raw.skipped;
    let mut unsupported: Vec<String> = Vec::new();
    for m in raw.monitors {
        let visible = m.visible.unwrap_or(true);
        let is_list = match m.opcode.as_deref() {
            Some("data_variable") => false,
            Some("data_listcontents") => true,
            other => {
                let opcode = other.unwrap_or("?");
                // Up to six names: five are shown, the sixth says there are more.
                if visible && unsupported.len() < 6 && !unsupported.iter().any(|o| o == opcode) {
                    unsupported.push(opcode.to_string());
                }
                continue;
            }
        };
        let owner = match m.sprite_name.as_deref() {
            None | Some("") => 0,
            Some(name) => match sprite_by_name.get(name) {
                Some(&(_, ti)) => ti,
                None => {
                    damaged += usize::from(visible);
                    continue;
                }
            },
        };
        let param = if is_list { "LIST" } else { "VARIABLE" };
        let name = m.params.get(param).map(raw::value_text);
        let table = if is_list { &lists } else { &vars };
        // As `lookupOrCreateVariable`: by id (the owner's, then the stage's), then by name.
        let by_id = |t: usize| {
            let i = table.get(t)?.by_id.get(m.id.as_deref()?)?;
            Some((t as u32, *i))
        };
        let by_name = |t: usize| {
            let i = table.get(t)?.by_name.get(name.as_deref()?)?;
            Some((t as u32, *i))
        };
        let found = by_id(owner)
            .or_else(|| by_id(0))
            .or_else(|| by_name(owner))
            .or_else(|| by_name(0));
        let Some((target, index)) = found else {
            damaged += usize::from(visible);
            continue;
        };
        // One monitor per variable, as in Scratch (the monitor's id is the variable's).
        if !seen.insert((target, is_list, index)) {
            continue;
        }
        let mode = if is_list {
            MonitorMode::List
        } else {
            match m.mode.as_deref() {
                Some("large") => MonitorMode::Large,
                Some("slider") => MonitorMode::Slider {
                    min: m.slider_min.unwrap_or(0.0),
                    max: m.slider_max.unwrap_or(100.0),
                    discrete: m.is_discrete.unwrap_or(true),
                },
                _ => MonitorMode::Normal,
            }
        };
        out.push(ir::MonitorDef {
            target,
            index,
            is_list,
            mode,
            // As scratch-vm clamps them: a monitor is never placed off the stage.
            x: m.x.map(|x| x.clamp(0.0, 480.0)),
            y: m.y.map(|y| y.clamp(0.0, 360.0)),
            width: m.width.filter(|w| *w > 0.0).unwrap_or(0.0),
            height: m.height.filter(|h| *h > 0.0).unwrap_or(0.0),
            visible,
        });
    }
    if !unsupported.is_empty() {
        let shown = quoted_list(&unsupported);
        diagnostics.push(Diagnostic::warning(
            SourceLoc::None,
            Message::new(
                format!("This project shows monitors of blocks ({shown}) that Starling cannot show yet; they were left out, and the rest of the project still works."),
                format!("这个项目里有 Starling 还不能显示的积木监视器（{shown}），已跳过，项目的其他部分照常运行。"),
            ),
        ));
    }
    if damaged > 0 {
        diagnostics.push(Diagnostic::warning(
            SourceLoc::None,
            Message::new(
                if damaged == 1 {
                    "A monitor of this project could not be read (it is damaged, or shows a variable or list that does not exist); it was left out.".to_string()
                } else {
                    format!("{damaged} monitors of this project could not be read (damaged, or showing a variable or list that does not exist); they were left out.")
                },
                format!("这个项目里有 {damaged} 个监视器读不出来（损坏了，或者要显示的变量或列表不存在），已跳过。"),
            ),
        ));
    }
    out
}

/// `"a", "b", "c"` for a message, with at most five names.
fn quoted_list(names: &[String]) -> String {
    let mut parts: Vec<String> = names
        .iter()
        .take(5)
        .map(|n| {
            // Names come from the file: keep a long one from flooding the message.
            let short: String = n.chars().take(60).collect();
            format!("\"{short}\"")
        })
        .collect();
    if names.len() > 5 {
        parts.push("…".to_string());
    }
    parts.join(", ")
}

/// What sprites see of the stage: its variables and lists (the globals) and broadcasts.
struct StageScopes {
    vars: Scope,
    lists: Scope,
    /// Names of the stage's variables and lists, by index.
    names: (Vec<String>, Vec<String>),
    /// Broadcast id → name.
    broadcasts: HashMap<String, String>,
}

/// Variables or lists of one target, looked up as scratch-vm does.
#[derive(Default)]
struct Scope {
    by_id: HashMap<String, u32>,
    /// The first one with each name (scratch-vm walks them in order and takes the first).
    by_name: HashMap<String, u32>,
    len: u32,
}

impl Scope {
    fn new<'a>(entries: impl Iterator<Item = (&'a str, Option<&'a str>)>) -> Scope {
        let mut scope = Scope::default();
        for (name, id) in entries {
            scope.add(name, id);
        }
        scope
    }

    fn add(&mut self, name: &str, id: Option<&str>) -> u32 {
        let index = self.len;
        if let Some(id) = id {
            self.by_id.entry(id.to_string()).or_insert(index);
        }
        self.by_name.entry(name.to_string()).or_insert(index);
        self.len += 1;
        index
    }
}

struct LoweredTarget {
    target: ir::Target,
    broadcasts: HashMap<String, String>,
}

/// A custom block definition, collected before the bodies are lowered.
struct ProcInfo {
    params: Vec<Param>,
    /// The argument ids calls use as input names.
    ids: Vec<String>,
    /// Values for arguments a call leaves out.
    defaults: Vec<String>,
    def_id: String,
}

fn lower_target(
    mut raw: RawTarget,
    stage: Option<&StageScopes>,
    specs: &HashMap<&'static str, &'static BlockSpec>,
    assets: Option<&Sb3Assets>,
    diagnostics: &mut Vec<Diagnostic>,
) -> LoweredTarget {
    let is_stage = stage.is_none();
    let name = if is_stage {
        "Stage".to_string()
    } else {
        raw.name.clone().unwrap_or_else(|| "Sprite".to_string())
    };
    let mut def = ir::TargetDef::new(name.clone(), is_stage);
    let who = Who {
        is_stage,
        name: name.clone(),
    };

    // Variables, lists, broadcasts.
    for (id, v) in &raw.variables {
        match v {
            Value::Array(items) if !items.is_empty() => def.variables.push(VarDef {
                name: raw::value_text(&items[0]),
                id: Some(id.clone()),
                initial: json_to_value(items.get(1).unwrap_or(&Value::Null)),
            }),
            _ => diagnostics.push(who.damaged("variable", id)),
        }
    }
    for (id, v) in &raw.lists {
        match v {
            Value::Array(items) if !items.is_empty() => def.lists.push(ListDef {
                name: raw::value_text(&items[0]),
                id: Some(id.clone()),
                initial: match items.get(1) {
                    Some(Value::Array(values)) => values.iter().map(json_to_value).collect(),
                    _ => Vec::new(),
                },
            }),
            _ => diagnostics.push(who.damaged("list", id)),
        }
    }
    let broadcasts: HashMap<String, String> = raw
        .broadcasts
        .iter()
        .map(|(id, name)| (id.clone(), raw::value_text(name)))
        .collect();

    // Costumes and sounds.
    for (i, c) in raw.costumes.iter().enumerate() {
        let file = c.file();
        let costume_name = c
            .name
            .clone()
            .unwrap_or_else(|| format!("costume{}", i + 1));
        if let (Some(assets), Some(f)) = (assets, &file) {
            if assets.get(f).is_none() {
                diagnostics.push(who.missing_asset(true, &costume_name, f));
            }
        }
        def.costumes.push(CostumeDef {
            name: costume_name,
            file,
            rotation_center: Some((
                c.rotation_center_x.unwrap_or(0.0),
                c.rotation_center_y.unwrap_or(0.0),
            )),
            bitmap_resolution: c.bitmap_resolution.filter(|r| *r > 0.0).unwrap_or(1.0),
            size: None,
        });
    }
    for (i, s) in raw.sounds.iter().enumerate() {
        let file = s.file();
        let sound_name = s.name.clone().unwrap_or_else(|| format!("sound{}", i + 1));
        if let (Some(assets), Some(f)) = (assets, &file) {
            if assets.get(f).is_none() {
                diagnostics.push(who.missing_asset(false, &sound_name, f));
            }
        }
        let seconds = match (s.sample_count, s.rate) {
            (Some(n), Some(rate)) if n >= 0.0 && rate > 0.0 => Some(n / rate),
            _ => None,
        };
        def.sounds.push(SoundDef {
            name: sound_name,
            file,
            seconds,
            // Kept to be saved back as they are (whole numbers only, as the schema wants).
            rate_and_samples: match (s.rate, s.sample_count) {
                (Some(rate), Some(n))
                    if (1.0..=f64::from(u32::MAX)).contains(&rate)
                        && rate.fract() == 0.0
                        && (0.0..=9.0e15).contains(&n)
                        && n.fract() == 0.0 =>
                {
                    Some((rate as u32, n as u64))
                }
                _ => None,
            },
        });
    }

    // Initial state, as scratch-vm's parseScratchObject reads it.
    let last_costume = def.costumes.len().saturating_sub(1) as f64;
    if let Some(c) = raw.current_costume {
        def.current_costume = c.clamp(0.0, last_costume).floor() as usize;
    }
    if !is_stage {
        if let Some(x) = raw.x {
            def.x = x;
        }
        if let Some(y) = raw.y {
            def.y = y;
        }
        if let Some(d) = raw.direction {
            def.direction = wrap_clamp(d, -179.0, 180.0);
        }
        if let Some(s) = raw.size {
            def.size = s;
        }
        if let Some(v) = raw.visible {
            def.visible = v;
        }
        if let Some(d) = raw.draggable {
            def.draggable = d;
        }
        if let Some(style) = &raw.rotation_style {
            def.rotation_style = match style.as_str() {
                "left-right" => RotationStyle::LeftRight,
                "don't rotate" => RotationStyle::DontRotate,
                _ => RotationStyle::AllAround,
            };
        }
    }
    if let Some(v) = raw.volume {
        def.volume = v;
    }
    if let Some(t) = raw.tempo {
        def.tempo = t;
    }

    // Blocks.
    let mut blocks = HashMap::with_capacity(raw.blocks.len());
    let mut top_level = Vec::new();
    for (id, v) in std::mem::take(&mut raw.blocks) {
        match raw::parse_block(v) {
            Ok(b) => {
                let top = match &b {
                    RawBlock::Block(d) => d.top_level && !d.shadow,
                    RawBlock::TopPrimitive(_) => true,
                };
                if top {
                    top_level.push(id.clone());
                }
                blocks.insert(id, b);
            }
            Err(why) => diagnostics.push(who.damaged_block(&id, &why)),
        }
    }

    let own_vars = Scope::new(
        def.variables
            .iter()
            .map(|v| (v.name.as_str(), v.id.as_deref())),
    );
    let own_lists = Scope::new(def.lists.iter().map(|l| (l.name.as_str(), l.id.as_deref())));
    let budget = blocks.len().saturating_mul(4) + 1000;
    let mut cx = Lowerer {
        specs,
        blocks: &blocks,
        stage,
        def,
        own_vars,
        own_lists,
        own_broadcasts: &broadcasts,
        procs: Vec::new(),
        proc_by_code: HashMap::new(),
        current_proc: None,
        active: HashSet::new(),
        depth: 0,
        budget,
        too_deep: false,
        out_of_budget: false,
        unknown: Vec::new(),
        who,
        diagnostics: Vec::new(),
    };

    // Custom block definitions first, so calls can find them wherever they are.
    let mut procedures = Vec::new();
    for id in &top_level {
        if let Some(RawBlock::Block(b)) = blocks.get(id) {
            if b.opcode == "procedures_definition" {
                if let Some(p) = cx.collect_procedure(id, b) {
                    procedures.push(p);
                }
            }
        }
    }

    let mut scripts = Vec::new();
    let mut proc_index = 0;
    for id in &top_level {
        let Some(block) = blocks.get(id) else {
            continue;
        };
        match block {
            RawBlock::TopPrimitive(p) => {
                if let Some(script) = cx.loose_reporter(id, p) {
                    scripts.push(script);
                }
            }
            RawBlock::Block(b) if b.opcode == "procedures_definition" => {
                let Some(info) = cx.procs.get(proc_index) else {
                    continue;
                };
                if info.def_id != *id {
                    // A definition without a prototype, skipped when collecting.
                    continue;
                }
                cx.current_proc = Some(proc_index);
                let body = cx.chain(b.next.as_deref());
                cx.current_proc = None;
                procedures[proc_index].body = body;
                proc_index += 1;
            }
            RawBlock::Block(b) => {
                let spec = specs.get(b.opcode.as_str()).copied();
                match spec {
                    Some(spec) if spec.shape == Shape::Hat && !spec.is_shadow() => {
                        if !cx.enter(id) {
                            continue;
                        }
                        let hat = cx.block(id, b, spec);
                        let body = cx.chain(b.next.as_deref());
                        cx.active.remove(id.as_str());
                        scripts.push(ir::Script {
                            hat,
                            body,
                            loc: SourceLoc::Block(id.clone()),
                        });
                    }
                    _ => {
                        // A stack without a hat (kept, never runs), or an unknown hat whose
                        // body is kept as such a stack.
                        let body = cx.chain(Some(id));
                        if !body.is_empty() {
                            scripts.push(ir::Script {
                                hat: None,
                                body,
                                loc: SourceLoc::Block(id.clone()),
                            });
                        }
                    }
                }
            }
        }
    }

    cx.report_unknown();
    diagnostics.append(&mut cx.diagnostics);
    LoweredTarget {
        target: ir::Target {
            def: cx.def,
            scripts,
            procedures,
        },
        broadcasts,
    }
}

/// Which target a message is about.
struct Who {
    is_stage: bool,
    name: String,
}

impl Who {
    fn en(&self) -> String {
        if self.is_stage {
            "the stage".to_string()
        } else {
            format!("the sprite \"{}\"", self.name)
        }
    }

    fn zh(&self) -> String {
        if self.is_stage {
            "舞台".to_string()
        } else {
            format!("角色「{}」", self.name)
        }
    }

    fn damaged(&self, what: &str, id: &str) -> Diagnostic {
        let zh_what = if what == "list" { "列表" } else { "变量" };
        Diagnostic::warning(
            SourceLoc::None,
            Message::new(
                format!(
                    "A {what} of {} is damaged (id {id}); it was left out.",
                    self.en()
                ),
                format!("{}的一个{zh_what}损坏了（id {id}），已跳过。", self.zh()),
            ),
        )
    }

    fn damaged_block(&self, id: &str, why: &str) -> Diagnostic {
        Diagnostic::error(
            SourceLoc::Block(id.to_string()),
            Message::new(
                format!(
                    "A block of {} is damaged ({why}), so it was left out.",
                    self.en()
                ),
                format!("{}的一个积木损坏了（{why}），已跳过。", self.zh()),
            ),
        )
    }

    fn missing_asset(&self, costume: bool, name: &str, file: &str) -> Diagnostic {
        let (en, zh) = if costume {
            (
                format!(
                    "The costume \"{name}\" of {} has no picture file ({file}) in the project, so it will look empty.",
                    self.en()
                ),
                format!("{}的造型「{name}」在项目里没有图片文件（{file}），会显示为空白。", self.zh()),
            )
        } else {
            (
                format!(
                    "The sound \"{name}\" of {} has no sound file ({file}) in the project, so it will be silent.",
                    self.en()
                ),
                format!("{}的声音「{name}」在项目里没有声音文件（{file}），播放时会没有声音。", self.zh()),
            )
        };
        Diagnostic::warning(SourceLoc::None, Message::new(en, zh))
    }
}

struct Lowerer<'a> {
    specs: &'a HashMap<&'static str, &'static BlockSpec>,
    blocks: &'a HashMap<String, RawBlock>,
    /// `None` while lowering the stage itself.
    stage: Option<&'a StageScopes>,
    def: ir::TargetDef,
    own_vars: Scope,
    own_lists: Scope,
    /// The target's own broadcasts (for the stage: the project's).
    own_broadcasts: &'a HashMap<String, String>,
    procs: Vec<ProcInfo>,
    /// Proccode → the first definition with it.
    proc_by_code: HashMap<String, usize>,
    /// The procedure whose body is being lowered.
    current_proc: Option<usize>,
    /// Blocks being read right now; reaching one again means the blocks form a loop.
    active: HashSet<String>,
    depth: usize,
    budget: usize,
    too_deep: bool,
    out_of_budget: bool,
    /// Opcodes Starling does not know, with the first block that used each.
    unknown: Vec<(String, String)>,
    who: Who,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> Lowerer<'a> {
    // ------------------------------------------------------------------ walking

    /// Marks `id` as being read. False (with an error) for a loop or when the budget is spent.
    fn enter(&mut self, id: &str) -> bool {
        if self.budget == 0 {
            if !self.out_of_budget {
                self.out_of_budget = true;
                self.diagnostics.push(Diagnostic::error(
                    SourceLoc::Block(id.to_string()),
                    Message::new(
                        format!(
                            "The blocks of {} are linked to each other in a tangled way that Starling cannot read; some scripts were left out. The file may be broken.",
                            self.who.en()
                        ),
                        format!(
                            "{}的积木之间的连接乱成一团，Starling 读不懂，有些脚本被跳过了。文件可能已损坏。",
                            self.who.zh()
                        ),
                    ),
                ));
            }
            return false;
        }
        if !self.active.insert(id.to_string()) {
            self.diagnostics.push(Diagnostic::error(
                SourceLoc::Block(id.to_string()),
                Message::new(
                    format!(
                        "Some blocks of {} are linked in a loop (block {id} leads back to itself), so that script cannot be read and was left out. The file may be broken.",
                        self.who.en()
                    ),
                    format!(
                        "{}的一些积木连成了一个圈（积木 {id} 又连回了自己），这个脚本读不了，已跳过。文件可能已损坏。",
                        self.who.zh()
                    ),
                ),
            ));
            return false;
        }
        self.budget -= 1;
        true
    }

    /// Goes one level deeper into inputs or C-block bodies. False (with an error, once) past
    /// [`MAX_DEPTH`].
    fn descend(&mut self, id: &str) -> bool {
        if self.depth >= MAX_DEPTH {
            if !self.too_deep {
                self.too_deep = true;
                self.diagnostics.push(Diagnostic::error(
                    SourceLoc::Block(id.to_string()),
                    Message::new(
                        format!(
                            "A script of {} has blocks nested inside each other more than {MAX_DEPTH} deep, which is too deep to read; the innermost blocks were left out.",
                            self.who.en()
                        ),
                        format!(
                            "{}的一个脚本里积木一层套一层超过了 {MAX_DEPTH} 层，太深了读不了；最里面的积木被跳过了。",
                            self.who.zh()
                        ),
                    ),
                ));
            }
            return false;
        }
        self.depth += 1;
        true
    }

    /// A stack of blocks starting at `first`, following `next`.
    fn chain(&mut self, first: Option<&str>) -> Vec<Block> {
        let mut out = Vec::new();
        let mut entered: Vec<&'a str> = Vec::new();
        let mut cur = first.and_then(|id| self.blocks.get_key_value(id));
        while let Some((id, block)) = cur {
            if !self.enter(id) {
                break;
            }
            entered.push(id);
            let RawBlock::Block(b) = block else { break };
            if let Some(lowered) = self.stmt(id, b) {
                out.push(lowered);
            }
            cur = b
                .next
                .as_deref()
                .and_then(|next| self.blocks.get_key_value(next));
        }
        for id in entered {
            self.active.remove(id);
        }
        out
    }

    /// A block in a stack.
    fn stmt(&mut self, id: &str, b: &BlockData) -> Option<Block> {
        let Some(spec) = self.specs.get(b.opcode.as_str()).copied() else {
            self.unknown(&b.opcode, id);
            return None;
        };
        if spec.is_shadow() || b.shadow || spec.shape == Shape::Hat {
            // Values, definitions and hats cannot sit inside a stack; Scratch's editor never
            // puts them there.
            return None;
        }
        if spec.opcode == "procedures_call" {
            return self.call(id, b, spec);
        }
        self.block(id, b, spec)
    }

    /// A block with its arguments and substacks, for a known `spec`.
    fn block(&mut self, id: &str, b: &BlockData, spec: &'static BlockSpec) -> Option<Block> {
        if !self.descend(id) {
            return None;
        }
        let mut args = Vec::with_capacity(spec.args.len());
        for arg in spec.args {
            let lowered = self.arg(b, arg);
            args.push(lowered);
        }
        let mut substacks = Vec::with_capacity(spec.substacks as usize);
        for i in 0..spec.substacks {
            let name = if i == 0 {
                "SUBSTACK".to_string()
            } else {
                format!("SUBSTACK{}", i + 1)
            };
            let first = b.input(&name).and_then(|inp| match &inp.block {
                Some(Ref::Id(first)) => Some(first.as_str()),
                _ => None,
            });
            let body = self.chain(first);
            substacks.push(body);
        }
        self.depth -= 1;
        Some(Block {
            spec,
            args,
            substacks,
            call: None,
            loc: SourceLoc::Block(id.to_string()),
        })
    }

    fn arg(&mut self, b: &BlockData, arg: &ArgSpec) -> Arg {
        if arg.kind.is_input() {
            return self.input(b.input(arg.name), arg.kind);
        }
        let field = b.field(arg.name);
        let value = field.map(|f| f.value.as_str()).unwrap_or("");
        let id = field.and_then(|f| f.id.as_deref());
        match arg.kind {
            SlotKind::VariableField => Arg::Var(self.variable(value, id, false)),
            SlotKind::ListField => Arg::List(self.variable(value, id, true)),
            // `when I receive` matches the name in its field (scratch-vm's startHats), not
            // the broadcast the id points at.
            _ => Arg::Literal(value.to_string()),
        }
    }

    /// An input slot: the reporter in it, else the shadow's value, else empty.
    fn input(&mut self, input: Option<&RawInput>, kind: SlotKind) -> Arg {
        let Some(input) = input else {
            return Arg::Empty;
        };
        if let Some(r) = &input.block {
            if let Some(arg) = self.value_ref(r, kind) {
                return arg;
            }
        }
        if let Some(r) = &input.shadow {
            if let Some(arg) = self.value_ref(r, kind) {
                return arg;
            }
        }
        Arg::Empty
    }

    /// What an input reference gives. `None` when it points at a block that does not exist.
    fn value_ref(&mut self, r: &Ref, kind: SlotKind) -> Option<Arg> {
        match r {
            Ref::Prim(p) => Some(self.prim(p)),
            Ref::Id(id) => {
                let (id, block) = self.blocks.get_key_value(id.as_str())?;
                match block {
                    RawBlock::TopPrimitive(p) => Some(self.prim(p)),
                    RawBlock::Block(b) => Some(self.reporter(id, b, kind)),
                }
            }
        }
    }

    fn prim(&mut self, p: &Prim) -> Arg {
        match p {
            Prim::Literal(s) => Arg::Literal(s.clone()),
            Prim::Broadcast { name, id } => Arg::Literal(self.broadcast_name(id.as_deref(), name)),
            Prim::Var { name, id } => Arg::Expr(Box::new(Expr::Var(self.variable(
                name,
                id.as_deref(),
                false,
            )))),
            Prim::List { name, id } => Arg::Expr(Box::new(Expr::List(self.variable(
                name,
                id.as_deref(),
                true,
            )))),
        }
    }

    /// A block in an input: a shadow's value or a reporter.
    fn reporter(&mut self, id: &'a str, b: &BlockData, kind: SlotKind) -> Arg {
        let spec = self.specs.get(b.opcode.as_str()).copied();
        let Some(spec) = spec else {
            if b.shadow {
                // A menu of an extension block; its value is its first field.
                return Arg::Literal(
                    b.fields
                        .first()
                        .map(|(_, f)| f.value.clone())
                        .unwrap_or_default(),
                );
            }
            self.unknown(&b.opcode, id);
            return Arg::Empty;
        };
        if spec.is_shadow() {
            return Arg::Literal(self.shadow_value(b, spec, kind));
        }
        match spec.opcode {
            "data_variable" | "data_listcontents" => {
                let list = spec.opcode == "data_listcontents";
                let f = b.field(if list { "LIST" } else { "VARIABLE" });
                let name = f.map(|f| f.value.as_str()).unwrap_or("");
                let var = self.variable(name, f.and_then(|f| f.id.as_deref()), list);
                return Arg::Expr(Box::new(if list {
                    Expr::List(var)
                } else {
                    Expr::Var(var)
                }));
            }
            "argument_reporter_string_number" | "argument_reporter_boolean" => {
                let name = b
                    .field("VALUE")
                    .map(|f| f.value.clone())
                    .unwrap_or_default();
                let boolean = spec.opcode == "argument_reporter_boolean";
                // scratch-vm keeps a procedure's arguments by name; with two of the same
                // name the later one wins.
                let index = self
                    .current_proc
                    .and_then(|p| self.procs[p].params.iter().rposition(|p| p.name == name))
                    .map(|i| i as u32);
                return Arg::Expr(Box::new(Expr::Param {
                    name,
                    boolean,
                    index,
                }));
            }
            _ => {}
        }
        if !matches!(spec.shape, Shape::Reporter | Shape::Boolean) {
            // A stack block wedged into a slot by a broken file.
            self.diagnostics.push(Diagnostic::warning(
                SourceLoc::Block(id.to_string()),
                Message::new(
                    format!(
                        "A \"{}\" block of {} sits in a slot where only round or pointed blocks fit; it was left out.",
                        spec.en,
                        self.who.en()
                    ),
                    format!("{}的一个「{}」积木放在了只能放圆形或六边形积木的空里，已跳过。", self.who.zh(), spec.zh),
                ),
            ));
            return Arg::Empty;
        }
        if !self.enter(id) {
            return Arg::Empty;
        }
        let lowered = self.block(id, b, spec);
        self.active.remove(id);
        match lowered {
            Some(block) => Arg::Expr(Box::new(Expr::Block(block))),
            None => Arg::Empty,
        }
    }

    /// The value a shadow block holds: its field for this slot (the menu's field, or the
    /// literal's), falling back to its first field.
    fn shadow_value(&mut self, b: &BlockData, spec: &BlockSpec, kind: SlotKind) -> String {
        let field_name = match kind {
            SlotKind::MenuInput { shadow_field, .. } => shadow_field,
            SlotKind::BroadcastInput => "BROADCAST_OPTION",
            _ => spec.args.first().map(|a| a.name).unwrap_or(""),
        };
        let field: Option<&RawField> = b
            .field(field_name)
            .or_else(|| b.fields.first().map(|(_, f)| f));
        let Some(field) = field else {
            return String::new();
        };
        if spec.opcode == "event_broadcast_menu" {
            let (id, name) = (field.id.clone(), field.value.clone());
            return self.broadcast_name(id.as_deref(), &name);
        }
        field.value.clone()
    }

    // ------------------------------------------------------------------ custom blocks

    /// Reads a definition's prototype. `None` (with a warning) when it has none.
    fn collect_procedure(&mut self, id: &str, b: &BlockData) -> Option<ir::Procedure> {
        let proto = b
            .input("custom_block")
            .and_then(|i| i.block.as_ref().or(i.shadow.as_ref()))
            .and_then(|r| match r {
                Ref::Id(pid) => self.blocks.get(pid.as_str()),
                Ref::Prim(_) => None,
            })
            .and_then(|p| match p {
                RawBlock::Block(p) if p.opcode == "procedures_prototype" => Some(p),
                _ => None,
            });
        let Some(proto) = proto else {
            self.diagnostics.push(Diagnostic::warning(
                SourceLoc::Block(id.to_string()),
                Message::new(
                    format!(
                        "A \"define\" block of {} has no custom block attached, so it was left out.",
                        self.who.en()
                    ),
                    format!("{}的一个「定义」积木没有连着自制积木，已跳过。", self.who.zh()),
                ),
            ));
            return None;
        };
        let proccode = proto.mutation_text("proccode").unwrap_or_default();
        let names: Vec<String> = proto
            .mutation_list("argumentnames")
            .iter()
            .map(raw::value_text)
            .collect();
        let ids: Vec<String> = proto
            .mutation_list("argumentids")
            .iter()
            .map(raw::value_text)
            .collect();
        let defaults: Vec<String> = proto
            .mutation_list("argumentdefaults")
            .iter()
            .map(raw::value_text)
            .collect();
        let kinds = proccode_kinds(&proccode);
        let params: Vec<Param> = names
            .iter()
            .enumerate()
            .map(|(i, name)| Param {
                name: name.clone(),
                boolean: kinds.get(i).copied().unwrap_or(false),
            })
            .collect();
        let warp = match proto.mutation.as_ref().and_then(|m| m.get("warp")) {
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) => s == "true",
            _ => false,
        };
        let index = self.procs.len();
        self.proc_by_code.entry(proccode.clone()).or_insert(index);
        self.procs.push(ProcInfo {
            params: params.clone(),
            ids,
            defaults,
            def_id: id.to_string(),
        });
        Some(ir::Procedure {
            proccode,
            params,
            warp,
            body: Vec::new(),
            loc: SourceLoc::Block(id.to_string()),
        })
    }

    fn call(&mut self, id: &str, b: &BlockData, spec: &'static BlockSpec) -> Option<Block> {
        let proccode = b.mutation_text("proccode").unwrap_or_default();
        let Some(&proc) = self.proc_by_code.get(&proccode) else {
            self.diagnostics.push(Diagnostic::warning(
                SourceLoc::Block(id.to_string()),
                Message::new(
                    format!(
                        "{} uses the custom block \"{proccode}\", but it has no \"define\" block for it, so it does nothing (as in Scratch) and was left out.",
                        capitalize(&self.who.en())
                    ),
                    format!(
                        "{}用了自制积木「{proccode}」，但没有定义它，所以它什么也不做（和 Scratch 一样），已跳过。",
                        self.who.zh()
                    ),
                ),
            ));
            return None;
        };
        if !self.descend(id) {
            return None;
        }
        let n = self.procs[proc].params.len();
        let mut args = Vec::with_capacity(n);
        for i in 0..n {
            let info = &self.procs[proc];
            let boolean = info.params[i].boolean;
            let default = info.defaults.get(i).cloned().unwrap_or_default();
            let input = info.ids.get(i).and_then(|arg_id| b.input(arg_id));
            let kind = if boolean {
                SlotKind::Boolean
            } else {
                SlotKind::Text
            };
            let mut arg = self.input(input, kind);
            // scratch-vm gives an argument the call leaves out the definition's default. An
            // empty boolean argument stays empty: the code generator passes it as false.
            if arg == Arg::Empty && !boolean && !default.is_empty() {
                arg = Arg::Literal(default);
            }
            args.push(arg);
        }
        self.depth -= 1;
        Some(Block {
            spec,
            args,
            substacks: Vec::new(),
            call: Some(proc as u32),
            loc: SourceLoc::Block(id.to_string()),
        })
    }

    // ------------------------------------------------------------------ names

    /// Resolves a variable (or list) field the way scratch-vm's `lookupOrCreateVariable` does:
    /// by id in the sprite then the stage, then by name in the sprite then the stage; if none
    /// matches, the sprite gets a new variable of that name (value 0, or an empty list).
    fn variable(&mut self, name: &str, id: Option<&str>, list: bool) -> VarRef {
        if let Some(r) = self.find_variable(name, id, list) {
            return r;
        }
        let index = if list {
            self.def.lists.push(ListDef {
                name: name.to_string(),
                id: id.map(str::to_string),
                initial: Vec::new(),
            });
            self.own_lists.add(name, id)
        } else {
            self.def.variables.push(VarDef {
                name: name.to_string(),
                id: id.map(str::to_string),
                initial: SValue::Num(0.0),
            });
            self.own_vars.add(name, id)
        };
        VarRef {
            name: name.to_string(),
            slot: self.own_slot(index),
        }
    }

    fn find_variable(&self, name: &str, id: Option<&str>, list: bool) -> Option<VarRef> {
        let own = if list {
            &self.own_lists
        } else {
            &self.own_vars
        };
        let stage = self.stage.map(|s| if list { &s.lists } else { &s.vars });
        let own_hit = |i: u32| VarRef {
            name: self.own_name(i, list),
            slot: self.own_slot(i),
        };
        let stage_hit = |i: u32| {
            let s = self.stage.expect("stage scope");
            let names = if list { &s.names.1 } else { &s.names.0 };
            VarRef {
                name: names[i as usize].clone(),
                slot: i,
            }
        };
        if let Some(id) = id {
            if let Some(&i) = own.by_id.get(id) {
                return Some(own_hit(i));
            }
            if let Some(&i) = stage.and_then(|s| s.by_id.get(id)) {
                return Some(stage_hit(i));
            }
        }
        if let Some(&i) = own.by_name.get(name) {
            return Some(own_hit(i));
        }
        if let Some(&i) = stage.and_then(|s| s.by_name.get(name)) {
            return Some(stage_hit(i));
        }
        None
    }

    fn own_name(&self, index: u32, list: bool) -> String {
        if list {
            self.def.lists[index as usize].name.clone()
        } else {
            self.def.variables[index as usize].name.clone()
        }
    }

    /// The slot of the target's own variable `index`: the stage's are the globals.
    fn own_slot(&self, index: u32) -> u32 {
        if self.stage.is_some() {
            LOCAL | index
        } else {
            index
        }
    }

    /// A broadcast menu's message: the stage's broadcast with that id, else the menu's text.
    fn broadcast_name(&self, id: Option<&str>, name: &str) -> String {
        let table = match self.stage {
            Some(s) => &s.broadcasts,
            None => self.own_broadcasts,
        };
        id.and_then(|id| table.get(id))
            .cloned()
            .unwrap_or_else(|| name.to_string())
    }

    /// A variable or list reporter lying loose on the workspace: a hatless script of one block.
    fn loose_reporter(&mut self, id: &str, p: &Prim) -> Option<ir::Script> {
        let (name, var_id, list) = match p {
            Prim::Var { name, id } => (name, id, false),
            Prim::List { name, id } => (name, id, true),
            _ => return None,
        };
        // Scratch does not create variables for loose reporters; drop one that names nothing.
        let var = self.find_variable(name, var_id.as_deref(), list)?;
        let opcode = if list {
            "data_listcontents"
        } else {
            "data_variable"
        };
        let spec = self.specs.get(opcode).copied()?;
        let arg = if list { Arg::List(var) } else { Arg::Var(var) };
        let loc = SourceLoc::Block(id.to_string());
        let block = Block {
            spec,
            args: vec![arg],
            substacks: Vec::new(),
            call: None,
            loc: loc.clone(),
        };
        Some(ir::Script {
            hat: None,
            body: vec![block],
            loc,
        })
    }

    // ------------------------------------------------------------------ unknown blocks

    fn unknown(&mut self, opcode: &str, id: &str) {
        if !self.unknown.iter().any(|(op, _)| op == opcode) {
            self.unknown.push((opcode.to_string(), id.to_string()));
        }
    }

    fn report_unknown(&mut self) {
        for (opcode, id) in std::mem::take(&mut self.unknown) {
            let (en, zh) = match extension_name(&opcode) {
                Some((ext_en, ext_zh)) => (
                    format!(
                        "{} uses the block \"{opcode}\" from the {ext_en} extension, which Starling does not have yet. That block was left out; the rest of the project still works.",
                        capitalize(&self.who.en())
                    ),
                    format!(
                        "{}用到了「{ext_zh}」扩展里的积木“{opcode}”，Starling 还没有这个扩展。这个积木被跳过了，项目的其他部分照常运行。",
                        self.who.zh()
                    ),
                ),
                None => (
                    format!(
                        "{} uses a block Starling does not know (\"{opcode}\"). That block was left out; the rest of the project still works.",
                        capitalize(&self.who.en())
                    ),
                    format!(
                        "{}用到了一个 Starling 不认识的积木（“{opcode}”）。这个积木被跳过了，项目的其他部分照常运行。",
                        self.who.zh()
                    ),
                ),
            };
            self.diagnostics.push(Diagnostic::warning(
                SourceLoc::Block(id),
                Message::new(en, zh),
            ));
        }
    }
}

/// The boolean-ness of each argument of a proccode: `%b` is boolean; `%s` and `%n` (from
/// Scratch 2) are number/text.
fn proccode_kinds(proccode: &str) -> Vec<bool> {
    let mut kinds = Vec::new();
    let mut chars = proccode.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '%' {
            match chars.peek() {
                Some('b') => kinds.push(true),
                Some('s') | Some('n') => kinds.push(false),
                _ => continue,
            }
            chars.next();
        }
    }
    kinds
}

/// The extension an opcode belongs to, by its prefix, in English and Chinese.
fn extension_name(opcode: &str) -> Option<(&'static str, &'static str)> {
    let prefix = opcode.split('_').next()?;
    Some(match prefix {
        "videoSensing" => ("Video Sensing", "视频侦测"),
        "text2speech" => ("Text to Speech", "文字朗读"),
        "translate" => ("Translate", "翻译"),
        "microbit" => ("micro:bit", "micro:bit"),
        "ev3" => ("LEGO MINDSTORMS EV3", "乐高 EV3"),
        "wedo2" => ("LEGO Education WeDo 2.0", "乐高 WeDo 2.0"),
        "boost" => ("LEGO BOOST", "乐高 BOOST"),
        "gdxfor" => (
            "Go Direct Force & Acceleration",
            "Go Direct 力和加速度传感器",
        ),
        "makeymakey" => ("Makey Makey", "Makey Makey"),
        "faceSensing" => ("Face Sensing", "面部侦测"),
        "music" => ("Music", "音乐"),
        "pen" => ("Pen", "画笔"),
        _ => return None,
    })
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A variable's value in project.json as a Scratch value.
fn json_to_value(v: &Value) -> SValue {
    match v {
        Value::Number(n) => SValue::Num(n.as_f64().unwrap_or(0.0)),
        Value::String(s) => SValue::from(s.as_str()),
        Value::Bool(b) => SValue::Bool(*b),
        Value::Null => SValue::Num(0.0),
        other => SValue::from(other.to_string()),
    }
}

/// scratch-vm's `MathUtil.wrapClamp`.
fn wrap_clamp(n: f64, min: f64, max: f64) -> f64 {
    let range = max - min + 1.0;
    n - ((n - min) / range).floor() * range
}
