//! Checked IR → .sb3, in the form scratch-vm's `serialize` writes.
//!
//! What Scratch needs and the IR does not hold is made up here: block ids (the .sb3 block id a
//! block was loaded from is reused when there is one), variable and list ids (kept from the
//! loaded file when known), broadcast ids, custom block argument ids, script positions (stacked
//! down the workspace), the shadows under reporters (the palette default), a blank costume for
//! any target without one (Scratch's schema requires one), and the parts of a monitor Scratch
//! keeps but Starling does not (its last value, the slider range of a monitor that is not a
//! slider). Asset files are named by the MD5 of their bytes, as Scratch names them.
//!
//! The output meets scratch-parser's `sb3_schema.json`: the stage first with layerOrder 0 and
//! the name `Stage`, every target with at least one costume, `meta.semver` 3.0.0, inputs in
//! compressed form (`[1, [4, "10"]]`, `[3, "id", [10, ""]]`), custom blocks with their
//! `procedures_prototype` mutations.

use std::collections::{HashMap, HashSet};
use std::io::{Cursor, Write};

use serde_json::{json, Map, Value};
use starling_runtime::isa::LOCAL;
use starling_runtime::program::{CostumeDef, RotationStyle, SoundDef};
use starling_runtime::value::{number_to_string, Value as SValue};

use super::md5;
use super::Sb3Assets;
use crate::catalog::{ArgSpec, SlotKind};
use crate::diag::SourceLoc;
use crate::ir::{self, Arg, Block, Expr, MonitorMode, VarRef};

/// Writes `project` as an .sb3 file (a zip of project.json and the asset files it uses, taken
/// from `assets` by file name). Cannot fail: a costume or sound whose file is not in `assets` is
/// written without it, as Scratch does for missing assets.
pub fn save(project: &ir::Project, assets: &Sb3Assets) -> Vec<u8> {
    let (json, files) = build(project, assets);
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .unix_permissions(0o644);
    let mut write = || -> zip::result::ZipResult<()> {
        zip.start_file("project.json", options)?;
        zip.write_all(json.as_bytes())?;
        for (name, bytes) in &files {
            zip.start_file(name.as_str(), options)?;
            zip.write_all(bytes)?;
        }
        Ok(())
    };
    // Writing to memory only fails for archives over 4 GB, which no loaded project can make.
    let written = write();
    debug_assert!(written.is_ok(), "{written:?}");
    zip.finish().map(Cursor::into_inner).unwrap_or_default()
}

/// The project.json [`save`] writes, without the zip. Costume and sound files are named as they
/// would be in the archive.
pub fn save_project_json(project: &ir::Project, assets: &Sb3Assets) -> String {
    build(project, assets).0
}

/// project.json text and the asset files (name, bytes), sorted by name.
fn build(project: &ir::Project, assets: &Sb3Assets) -> (String, Vec<(String, Vec<u8>)>) {
    let mut saver = Saver::new(project);
    let mut targets = Vec::with_capacity(project.targets.len());
    let mut files: HashMap<String, Vec<u8>> = HashMap::new();
    for (t, target) in project.targets.iter().enumerate() {
        targets.push(saver.target(t, target, assets, &mut files));
    }
    // The stage holds every broadcast, now that all blocks have named theirs.
    if let Some(Value::Object(stage)) = targets.first_mut() {
        let broadcasts: Map<String, Value> = saver
            .broadcasts
            .iter()
            .map(|(name, id)| (id.clone(), Value::String(name.clone())))
            .collect();
        stage.insert("broadcasts".into(), Value::Object(broadcasts));
    }
    let mut extensions = Vec::new();
    for (prefix, id) in [("pen_", "pen"), ("music_", "music")] {
        if saver.opcodes.iter().any(|op| op.starts_with(prefix)) {
            extensions.push(Value::String(id.into()));
        }
    }
    let monitors = saver.monitors();
    let json = json!({
        "targets": targets,
        "monitors": monitors,
        "extensions": extensions,
        "meta": { "semver": "3.0.0", "vm": "0.2.0", "agent": "Starling" },
    });
    let mut files: Vec<(String, Vec<u8>)> = files.into_iter().collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    (json.to_string(), files)
}

/// An empty 2×2 SVG: the costume given to targets that have none.
const BLANK_SVG: &str = "<svg version=\"1.1\" width=\"2\" height=\"2\" viewBox=\"-1 -1 2 2\" xmlns=\"http://www.w3.org/2000/svg\"></svg>";

struct Saver<'p> {
    project: &'p ir::Project,
    /// Every id found in the project (block locs, variable ids): generated ids avoid them.
    reserved: HashSet<String>,
    /// Ids handed out so far.
    taken: HashSet<String>,
    counter: u64,
    /// Per target, the id of each variable and list.
    var_ids: Vec<Vec<String>>,
    list_ids: Vec<Vec<String>>,
    /// Per target and procedure, the argument ids.
    arg_ids: Vec<Vec<Vec<String>>>,
    /// Broadcast name → id, in the order first met.
    broadcasts: Vec<(String, String)>,
    broadcast_index: HashMap<String, usize>,
    opcodes: HashSet<&'static str>,
    /// The target being written.
    target: usize,
}

impl<'p> Saver<'p> {
    fn new(project: &'p ir::Project) -> Saver<'p> {
        let mut saver = Saver {
            project,
            reserved: HashSet::new(),
            taken: HashSet::new(),
            counter: 0,
            var_ids: Vec::new(),
            list_ids: Vec::new(),
            arg_ids: Vec::new(),
            broadcasts: Vec::new(),
            broadcast_index: HashMap::new(),
            opcodes: HashSet::new(),
            target: 0,
        };
        for target in &project.targets {
            for v in &target.def.variables {
                saver.reserved.extend(v.id.clone());
            }
            for l in &target.def.lists {
                saver.reserved.extend(l.id.clone());
            }
            for p in &target.procedures {
                reserve_loc(&mut saver.reserved, &p.loc);
                visit_blocks(&p.body, &mut |b| reserve_loc(&mut saver.reserved, &b.loc));
            }
            for s in &target.scripts {
                reserve_loc(&mut saver.reserved, &s.loc);
                if let Some(hat) = &s.hat {
                    reserve_loc(&mut saver.reserved, &hat.loc);
                }
                visit_blocks(&s.body, &mut |b| reserve_loc(&mut saver.reserved, &b.loc));
            }
        }
        // Variable, list and argument ids first: blocks of any target may refer to them.
        for target in &project.targets {
            let vars = target
                .def
                .variables
                .iter()
                .map(|v| saver.fresh(v.id.as_deref()))
                .collect();
            let lists = target
                .def
                .lists
                .iter()
                .map(|l| saver.fresh(l.id.as_deref()))
                .collect();
            let args = target
                .procedures
                .iter()
                .map(|p| p.params.iter().map(|_| saver.fresh(None)).collect())
                .collect();
            saver.var_ids.push(vars);
            saver.list_ids.push(lists);
            saver.arg_ids.push(args);
        }
        saver
    }

    /// A new unique id: `hint` if it is free, else a generated one.
    fn fresh(&mut self, hint: Option<&str>) -> String {
        if let Some(h) = hint.filter(|h| !h.is_empty()) {
            if self.taken.insert(h.to_string()) {
                return h.to_string();
            }
        }
        loop {
            self.counter += 1;
            let id = id_from_counter(self.counter);
            if !self.reserved.contains(&id) && self.taken.insert(id.clone()) {
                return id;
            }
        }
    }

    fn fresh_for(&mut self, loc: &SourceLoc) -> String {
        match loc {
            SourceLoc::Block(id) => self.fresh(Some(id)),
            _ => self.fresh(None),
        }
    }

    fn broadcast_id(&mut self, name: &str) -> String {
        if let Some(&i) = self.broadcast_index.get(name) {
            return self.broadcasts[i].1.clone();
        }
        let id = self.fresh(None);
        self.broadcast_index
            .insert(name.to_string(), self.broadcasts.len());
        self.broadcasts.push((name.to_string(), id.clone()));
        id
    }

    /// The id of a variable (or list) reference from the current target.
    fn var_id(&mut self, v: &VarRef, list: bool) -> String {
        let index = (v.slot & !LOCAL) as usize;
        let owner = if v.slot & LOCAL != 0 { self.target } else { 0 };
        let ids = if list { &self.list_ids } else { &self.var_ids };
        match ids.get(owner).and_then(|ids| ids.get(index)) {
            Some(id) => id.clone(),
            None => self.fresh(None),
        }
    }

    // ------------------------------------------------------------------ targets

    fn target(
        &mut self,
        t: usize,
        target: &ir::Target,
        assets: &Sb3Assets,
        files: &mut HashMap<String, Vec<u8>>,
    ) -> Value {
        self.target = t;
        let def = &target.def;
        let is_stage = t == 0;

        let mut variables = Map::new();
        for (v, id) in def.variables.iter().zip(self.var_ids[t].clone()) {
            variables.insert(id, json!([v.name, scalar(&v.initial)]));
        }
        let mut lists = Map::new();
        for (l, id) in def.lists.iter().zip(self.list_ids[t].clone()) {
            let items: Vec<Value> = l.initial.iter().map(scalar).collect();
            lists.insert(id, json!([l.name, items]));
        }

        let mut blocks = Map::new();
        let mut y = 0.0;
        for (pi, proc) in target.procedures.iter().enumerate() {
            self.procedure(&mut blocks, pi, proc, y);
            y += script_height(&proc.body);
        }
        for script in &target.scripts {
            let mut all: Vec<&Block> = Vec::new();
            all.extend(script.hat.as_ref());
            all.extend(script.body.iter());
            self.chain(&mut blocks, &all, None, Some((0.0, y)));
            y += script_height(&script.body);
        }

        let mut costumes: Vec<Value> = Vec::new();
        for c in &def.costumes {
            costumes.push(costume_json(c, assets, files));
        }
        if costumes.is_empty() {
            let blank = CostumeDef {
                name: if is_stage { "backdrop1" } else { "costume1" }.to_string(),
                file: None,
                rotation_center: Some(if is_stage { (240.0, 180.0) } else { (1.0, 1.0) }),
                bitmap_resolution: 1.0,
                size: None,
            };
            let md5ext = format!("{}.svg", md5::hex_digest(BLANK_SVG.as_bytes()));
            let mut blank_assets = Sb3Assets::default();
            blank_assets.insert(md5ext.clone(), BLANK_SVG.as_bytes().to_vec());
            costumes.push(costume_json(
                &CostumeDef {
                    file: Some(md5ext),
                    ..blank
                },
                &blank_assets,
                files,
            ));
        }
        let sounds: Vec<Value> = def
            .sounds
            .iter()
            .map(|s| sound_json(s, assets, files))
            .collect();
        let current_costume = def.current_costume.min(costumes.len() - 1);

        let mut out = Map::new();
        out.insert("isStage".into(), Value::Bool(is_stage));
        out.insert("name".into(), Value::String(saved_name(def, is_stage)));
        out.insert("variables".into(), Value::Object(variables));
        out.insert("lists".into(), Value::Object(lists));
        out.insert("broadcasts".into(), json!({}));
        out.insert("blocks".into(), Value::Object(blocks));
        out.insert("comments".into(), json!({}));
        out.insert("currentCostume".into(), json!(current_costume));
        out.insert("costumes".into(), Value::Array(costumes));
        out.insert("sounds".into(), Value::Array(sounds));
        out.insert("volume".into(), number(def.volume));
        out.insert("layerOrder".into(), json!(t));
        if is_stage {
            out.insert("tempo".into(), number(def.tempo));
            out.insert("videoTransparency".into(), json!(50));
            out.insert("videoState".into(), json!("off"));
            out.insert("textToSpeechLanguage".into(), Value::Null);
        } else {
            out.insert("visible".into(), Value::Bool(def.visible));
            out.insert("x".into(), number(def.x));
            out.insert("y".into(), number(def.y));
            out.insert("size".into(), number(def.size));
            out.insert("direction".into(), number(def.direction));
            out.insert("draggable".into(), Value::Bool(def.draggable));
            let style = match def.rotation_style {
                RotationStyle::AllAround => "all around",
                RotationStyle::LeftRight => "left-right",
                RotationStyle::DontRotate => "don't rotate",
            };
            out.insert("rotationStyle".into(), json!(style));
        }
        Value::Object(out)
    }

    // ------------------------------------------------------------------ monitors

    /// The monitors in Scratch's form. A variable's monitor has the variable's id, as Scratch
    /// gives it; a sprite's own variable names its sprite in `spriteName`. `x` and `y` are
    /// `null` for a monitor Scratch should place itself.
    fn monitors(&self) -> Vec<Value> {
        let project = self.project;
        let mut out = Vec::with_capacity(project.monitors.len());
        for m in &project.monitors {
            let (t, index) = (m.target as usize, m.index as usize);
            let ids = if m.is_list {
                &self.list_ids
            } else {
                &self.var_ids
            };
            let (Some(target), Some(id), Some(name)) = (
                project.targets.get(t),
                ids.get(t).and_then(|ids| ids.get(index)),
                project.monitor_name(m),
            ) else {
                continue;
            };
            let sprite_name = if t == 0 {
                Value::Null
            } else {
                Value::String(saved_name(&target.def, false))
            };
            let (opcode, param, mode) = if m.is_list {
                ("data_listcontents", "LIST", "list")
            } else {
                let mode = match m.mode {
                    MonitorMode::Large => "large",
                    MonitorMode::Slider { .. } => "slider",
                    MonitorMode::Normal | MonitorMode::List => "default",
                };
                ("data_variable", "VARIABLE", mode)
            };
            let mut o = Map::new();
            o.insert("id".into(), Value::String(id.clone()));
            o.insert("mode".into(), json!(mode));
            o.insert("opcode".into(), json!(opcode));
            o.insert("params".into(), json!({ param: name }));
            o.insert("spriteName".into(), sprite_name);
            o.insert("value".into(), if m.is_list { json!([]) } else { json!(0) });
            o.insert("width".into(), number(m.width));
            o.insert("height".into(), number(m.height));
            o.insert("x".into(), m.x.map_or(Value::Null, number));
            o.insert("y".into(), m.y.map_or(Value::Null, number));
            o.insert("visible".into(), Value::Bool(m.visible));
            if !m.is_list {
                let (min, max, discrete) = match m.mode {
                    MonitorMode::Slider { min, max, discrete } => (min, max, discrete),
                    _ => (0.0, 100.0, true),
                };
                o.insert("sliderMin".into(), number(min));
                o.insert("sliderMax".into(), number(max));
                o.insert("isDiscrete".into(), Value::Bool(discrete));
            }
            out.push(Value::Object(o));
        }
        out
    }

    // ------------------------------------------------------------------ blocks

    /// Writes a stack; returns the first block's id.
    fn chain(
        &mut self,
        out: &mut Map<String, Value>,
        blocks: &[&Block],
        parent: Option<&str>,
        top: Option<(f64, f64)>,
    ) -> Option<String> {
        let mut first = None;
        let mut prev: Option<String> = None;
        for b in blocks {
            let parent_id = prev.as_deref().or(parent).map(str::to_string);
            let at = if first.is_none() { top } else { None };
            let Some(id) = self.block(out, b, parent_id.as_deref(), at) else {
                continue;
            };
            if let Some(p) = &prev {
                if let Some(Value::Object(o)) = out.get_mut(p) {
                    o.insert("next".into(), Value::String(id.clone()));
                }
            }
            if first.is_none() {
                first = Some(id.clone());
            }
            prev = Some(id);
        }
        first
    }

    /// Writes a block (and everything in it); returns its id. `None` for a call to a procedure
    /// that does not exist, which the checked IR never has.
    ///
    /// `block`, `block_args`/`call_args`, `input` and `expr` recurse once per level of nesting,
    /// so they keep their frames small: everything else is in `#[inline(never)]` helpers (in
    /// debug builds every temporary of a function takes space in its frame).
    fn block(
        &mut self,
        out: &mut Map<String, Value>,
        b: &Block,
        parent: Option<&str>,
        top: Option<(f64, f64)>,
    ) -> Option<String> {
        let (id, proc_index) = self.block_start(out, b)?;
        let (inputs, fields, mutation) = match proc_index {
            Some(pi) => self.call_args(out, b, &id, pi),
            None => self.block_args(out, b, &id),
        };
        out.insert(
            id.clone(),
            block_json(b.spec.opcode, parent, inputs, fields, top, mutation),
        );
        Some(id)
    }

    /// The block's id, with its place reserved in `out` so the file reads top-down, and for a
    /// call the index of its procedure.
    #[inline(never)]
    fn block_start(
        &mut self,
        out: &mut Map<String, Value>,
        b: &Block,
    ) -> Option<(String, Option<usize>)> {
        let opcode = b.spec.opcode;
        let proc_index = match (opcode, b.call) {
            ("procedures_call", Some(i)) => {
                self.project.targets[self.target]
                    .procedures
                    .get(i as usize)?;
                Some(i as usize)
            }
            ("procedures_call", None) => return None,
            _ => None,
        };
        self.opcodes.insert(opcode);
        let id = self.fresh_for(&b.loc);
        out.insert(id.clone(), Value::Null);
        Some((id, proc_index))
    }

    fn block_args(
        &mut self,
        out: &mut Map<String, Value>,
        b: &Block,
        id: &str,
    ) -> (Map<String, Value>, Map<String, Value>, Option<Value>) {
        let mut inputs = Map::new();
        let mut fields = Map::new();
        let spec = b.spec;
        for i in 0..b.args.len().min(spec.args.len()) {
            let arg_spec = &spec.args[i];
            if arg_spec.kind.is_input() {
                let input = self.input(out, id, &b.args[i], arg_spec, spec.opcode);
                add_input(&mut inputs, arg_spec.name, input);
            } else {
                self.add_field(&mut fields, &b.args[i], arg_spec);
            }
        }
        for i in 0..b.substacks.len() {
            let first = self.substack(out, &b.substacks[i], id);
            add_substack(&mut inputs, i, first);
        }
        let mutation = if spec.opcode == "control_stop" {
            Some(stop_mutation(b.args.first()))
        } else {
            None
        };
        (inputs, fields, mutation)
    }

    fn substack(
        &mut self,
        out: &mut Map<String, Value>,
        body: &[Block],
        id: &str,
    ) -> Option<String> {
        let refs: Vec<&Block> = body.iter().collect();
        self.chain(out, &refs, Some(id), None)
    }

    /// A custom block call's inputs (named by the definition's argument ids) and mutation.
    fn call_args(
        &mut self,
        out: &mut Map<String, Value>,
        b: &Block,
        id: &str,
        pi: usize,
    ) -> (Map<String, Value>, Map<String, Value>, Option<Value>) {
        let mut inputs = Map::new();
        let project = self.project;
        let proc = &project.targets[self.target].procedures[pi];
        let arg_ids = self.arg_ids[self.target]
            .get(pi)
            .cloned()
            .unwrap_or_default();
        for ((arg, param), arg_id) in b.args.iter().zip(&proc.params).zip(&arg_ids) {
            let spec = if param.boolean {
                &CALL_BOOLEAN_ARG
            } else {
                &CALL_TEXT_ARG
            };
            let input = self.input(out, id, arg, spec, "procedures_call");
            add_call_input(&mut inputs, arg_id, input);
        }
        let mutation = call_mutation(&proc.proccode, arg_ids, proc.warp);
        (inputs, Map::new(), Some(mutation))
    }

    /// An input in compressed form, or `None` to leave it out (an empty slot).
    fn input(
        &mut self,
        out: &mut Map<String, Value>,
        parent: &str,
        arg: &Arg,
        spec: &ArgSpec,
        opcode: &str,
    ) -> Option<Value> {
        let reporter = match arg {
            Arg::Empty => return None,
            Arg::Literal(_) => None,
            Arg::Expr(e) => Some(self.expr(out, e, parent)?),
            Arg::Var(v) => Some(self.var_primitive(v, false)),
            Arg::List(l) => Some(self.var_primitive(l, true)),
        };
        self.finish_input(out, parent, arg, spec, opcode, reporter)
    }

    /// The rest of [`Saver::input`]: the shadow, and the `[1, …]`/`[2, …]`/`[3, …]` array.
    #[inline(never)]
    fn finish_input(
        &mut self,
        out: &mut Map<String, Value>,
        parent: &str,
        arg: &Arg,
        spec: &ArgSpec,
        opcode: &str,
        reporter: Option<Value>,
    ) -> Option<Value> {
        // The piano picker of `play note`, which the catalog treats as a number slot.
        let kind = if opcode == "music_playNoteForBeats" && spec.name == "NOTE" {
            SlotKind::MenuInput {
                shadow_opcode: "note",
                shadow_field: "NOTE",
                menu: crate::catalog::MenuId("note"),
            }
        } else {
            spec.kind
        };
        if kind == SlotKind::Boolean {
            return reporter.map(|r| input_json(2, r, None));
        }
        let value = match arg {
            Arg::Literal(s) => s.as_str(),
            _ => spec.default,
        };
        let shadow = match kind {
            SlotKind::MenuInput {
                shadow_opcode,
                shadow_field,
                ..
            } => {
                let shadow_id = self.fresh(None);
                let json = menu_shadow_json(shadow_opcode, shadow_field, value, parent);
                out.insert(shadow_id.clone(), json);
                Value::String(shadow_id)
            }
            SlotKind::BroadcastInput => {
                let message = if value.is_empty() { "message1" } else { value };
                let id = self.broadcast_id(message);
                primitive_json(11, message, Some(&id))
            }
            other => primitive_json(primitive_code(other, value), value, None),
        };
        Some(match reporter {
            Some(r) => input_json(3, r, Some(shadow)),
            None => input_json(1, shadow, None),
        })
    }

    #[inline(never)]
    fn add_field(&mut self, fields: &mut Map<String, Value>, arg: &Arg, spec: &ArgSpec) {
        let field = self.field(arg, spec.kind);
        fields.insert(spec.name.to_string(), field);
    }

    fn var_primitive(&mut self, v: &VarRef, list: bool) -> Value {
        let id = self.var_id(v, list);
        primitive_json(if list { 13 } else { 12 }, &v.name, Some(&id))
    }

    fn field(&mut self, arg: &Arg, kind: SlotKind) -> Value {
        let (value, id) = match (arg, kind) {
            (Arg::Var(v), _) => (v.name.as_str(), Some(self.var_id(v, false))),
            (Arg::List(l), _) => (l.name.as_str(), Some(self.var_id(l, true))),
            (Arg::Literal(name), SlotKind::BroadcastField) => {
                (name.as_str(), Some(self.broadcast_id(name)))
            }
            (Arg::Literal(s), _) => (s.as_str(), None),
            _ => ("", None),
        };
        field_json(value, id)
    }

    /// A reporter: a block id, or a variable or list primitive.
    fn expr(&mut self, out: &mut Map<String, Value>, e: &Expr, parent: &str) -> Option<Value> {
        Some(match e {
            Expr::Block(b) => Value::String(self.block(out, b, Some(parent), None)?),
            Expr::Var(v) => self.var_primitive(v, false),
            Expr::List(l) => self.var_primitive(l, true),
            Expr::Param { name, boolean, .. } => {
                let id = self.fresh(None);
                out.insert(
                    id.clone(),
                    argument_reporter_json(name, *boolean, parent, false),
                );
                Value::String(id)
            }
        })
    }

    /// A `define` block, its prototype (holding the custom block's text and arguments in its
    /// mutation, with an argument reporter shadow per argument) and its body.
    fn procedure(&mut self, out: &mut Map<String, Value>, pi: usize, proc: &ir::Procedure, y: f64) {
        self.opcodes.insert("procedures_definition");
        let def_id = self.fresh_for(&proc.loc);
        let proto_id = self.fresh(None);
        out.insert(def_id.clone(), Value::Null);
        let arg_ids = self.arg_ids[self.target][pi].clone();

        let mut proto_inputs = Map::new();
        for (param, arg_id) in proc.params.iter().zip(&arg_ids) {
            let shadow_id = self.fresh(None);
            out.insert(
                shadow_id.clone(),
                argument_reporter_json(&param.name, param.boolean, &proto_id, true),
            );
            proto_inputs.insert(arg_id.clone(), json!([1, shadow_id]));
        }
        let names: Vec<&str> = proc.params.iter().map(|p| p.name.as_str()).collect();
        let defaults: Vec<&str> = proc
            .params
            .iter()
            .map(|p| if p.boolean { "false" } else { "" })
            .collect();
        out.insert(
            proto_id.clone(),
            json!({
                "opcode": "procedures_prototype",
                "next": null,
                "parent": def_id,
                "inputs": proto_inputs,
                "fields": {},
                "shadow": true,
                "topLevel": false,
                "mutation": {
                    "tagName": "mutation",
                    "children": [],
                    "proccode": proc.proccode,
                    "argumentids": Value::from(arg_ids).to_string(),
                    "argumentnames": Value::from(names).to_string(),
                    "argumentdefaults": Value::from(defaults).to_string(),
                    "warp": if proc.warp { "true" } else { "false" },
                },
            }),
        );
        let refs: Vec<&Block> = proc.body.iter().collect();
        let first = self.chain(out, &refs, Some(&def_id), None);
        out.insert(
            def_id,
            json!({
                "opcode": "procedures_definition",
                "next": first,
                "parent": null,
                "inputs": { "custom_block": [1, proto_id] },
                "fields": {},
                "shadow": false,
                "topLevel": true,
                "x": 0,
                "y": number(y),
            }),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// JSON builders, kept out of the recursive functions' frames.
// ---------------------------------------------------------------------------------------------

#[inline(never)]
fn block_json(
    opcode: &str,
    parent: Option<&str>,
    inputs: Map<String, Value>,
    fields: Map<String, Value>,
    top: Option<(f64, f64)>,
    mutation: Option<Value>,
) -> Value {
    let mut obj = Map::new();
    obj.insert("opcode".into(), json!(opcode));
    obj.insert("next".into(), Value::Null);
    obj.insert("parent".into(), parent.map_or(Value::Null, |p| json!(p)));
    obj.insert("inputs".into(), Value::Object(inputs));
    obj.insert("fields".into(), Value::Object(fields));
    obj.insert("shadow".into(), Value::Bool(false));
    obj.insert("topLevel".into(), Value::Bool(top.is_some()));
    if let Some((x, y)) = top {
        obj.insert("x".into(), number(x));
        obj.insert("y".into(), number(y));
    }
    if let Some(m) = mutation {
        obj.insert("mutation".into(), m);
    }
    Value::Object(obj)
}

#[inline(never)]
fn call_mutation(proccode: &str, arg_ids: Vec<String>, warp: bool) -> Value {
    json!({
        "tagName": "mutation",
        "children": [],
        "proccode": proccode,
        "argumentids": Value::from(arg_ids).to_string(),
        "warp": if warp { "true" } else { "false" },
    })
}

/// scratch-blocks shapes `stop` by this: only "other scripts in sprite" takes a next block.
#[inline(never)]
fn stop_mutation(option: Option<&Arg>) -> Value {
    let hasnext = matches!(option, Some(Arg::Literal(s)) if s.starts_with("other scripts"));
    json!({
        "tagName": "mutation",
        "children": [],
        "hasnext": if hasnext { "true" } else { "false" },
    })
}

#[inline(never)]
fn add_input(inputs: &mut Map<String, Value>, name: &str, input: Option<Value>) {
    if let Some(input) = input {
        inputs.insert(name.to_string(), input);
    }
}

#[inline(never)]
fn add_call_input(inputs: &mut Map<String, Value>, arg_id: &str, input: Option<Value>) {
    if let Some(input) = input {
        inputs.insert(arg_id.to_string(), input);
    }
}

#[inline(never)]
fn add_substack(inputs: &mut Map<String, Value>, i: usize, first: Option<String>) {
    if let Some(first) = first {
        let name = if i == 0 {
            "SUBSTACK".to_string()
        } else {
            format!("SUBSTACK{}", i + 1)
        };
        inputs.insert(name, json!([2, first]));
    }
}

/// The slots of a custom block call: text for number/text parameters, boolean for `%b`.
const CALL_TEXT_ARG: ArgSpec = ArgSpec {
    name: "",
    kind: SlotKind::Text,
    default: "",
};
const CALL_BOOLEAN_ARG: ArgSpec = ArgSpec {
    name: "",
    kind: SlotKind::Boolean,
    default: "",
};

/// `[kind, block]` or `[kind, block, shadow]`.
#[inline(never)]
fn input_json(kind: u8, first: Value, shadow: Option<Value>) -> Value {
    let mut items = vec![json!(kind), first];
    items.extend(shadow);
    Value::Array(items)
}

/// `[code, value]` or `[code, value, id]`.
#[inline(never)]
fn primitive_json(code: u8, value: &str, id: Option<&str>) -> Value {
    let mut items = vec![json!(code), json!(value)];
    items.extend(id.map(|id| json!(id)));
    Value::Array(items)
}

#[inline(never)]
fn field_json(value: &str, id: Option<String>) -> Value {
    json!([value, id])
}

#[inline(never)]
fn menu_shadow_json(opcode: &str, field: &str, value: &str, parent: &str) -> Value {
    json!({
        "opcode": opcode,
        "next": null,
        "parent": parent,
        "inputs": {},
        "fields": { field: [value, null] },
        "shadow": true,
        "topLevel": false,
    })
}

#[inline(never)]
fn argument_reporter_json(name: &str, boolean: bool, parent: &str, shadow: bool) -> Value {
    let opcode = if boolean {
        "argument_reporter_boolean"
    } else {
        "argument_reporter_string_number"
    };
    json!({
        "opcode": opcode,
        "next": null,
        "parent": parent,
        "inputs": {},
        "fields": { "VALUE": [name, null] },
        "shadow": shadow,
        "topLevel": false,
    })
}

fn reserve_loc(reserved: &mut HashSet<String>, loc: &SourceLoc) {
    if let SourceLoc::Block(id) = loc {
        reserved.insert(id.clone());
    }
}

/// Calls `f` on every block in `blocks`, including those in inputs and substacks.
fn visit_blocks(blocks: &[Block], f: &mut impl FnMut(&Block)) {
    for b in blocks {
        visit_block(b, f);
    }
}

fn visit_block(b: &Block, f: &mut impl FnMut(&Block)) {
    f(b);
    for arg in &b.args {
        if let Arg::Expr(e) = arg {
            if let Expr::Block(inner) = &**e {
                visit_block(inner, f);
            }
        }
    }
    for body in &b.substacks {
        visit_blocks(body, f);
    }
}

/// Generated ids: short, and made of characters Scratch's own ids use.
fn id_from_counter(n: u64) -> String {
    const SOUP: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut s = String::from("st-");
    let mut n = n;
    loop {
        s.push(SOUP[(n % SOUP.len() as u64) as usize] as char);
        n /= SOUP.len() as u64;
        if n == 0 {
            break;
        }
    }
    s
}

/// Rough height of a script on the workspace, to stack scripts without overlap.
fn script_height(body: &[Block]) -> f64 {
    let mut n = 0usize;
    visit_blocks(body, &mut |_| n += 1);
    100.0 + 48.0 * n as f64
}

/// The compressed primitive code of a literal shadow.
fn primitive_code(kind: SlotKind, value: &str) -> u8 {
    match kind {
        SlotKind::Number => 4,
        SlotKind::PositiveNumber => 5,
        SlotKind::WholeNumber => 6,
        SlotKind::Integer => 7,
        SlotKind::Angle => 8,
        // The schema only takes `#rrggbb` colours; anything else is kept as text.
        SlotKind::Color if is_hex_color(value) => 9,
        _ => 10,
    }
}

fn is_hex_color(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// A target's name in the file.
fn saved_name(def: &ir::TargetDef, is_stage: bool) -> String {
    if is_stage {
        "Stage".to_string()
    } else if def.name == "_stage_" {
        // The one sprite name Scratch's schema forbids (it means the stage in menus).
        "_stage_2".to_string()
    } else {
        def.name.clone()
    }
}

/// A number as JSON: whole numbers without a fraction, non-finite ones as 0.
fn number(n: f64) -> Value {
    if !n.is_finite() {
        json!(0)
    } else if n.fract() == 0.0 && n.abs() < 9.0e15 {
        json!(n as i64)
    } else {
        json!(n)
    }
}

/// A variable's or list item's value.
fn scalar(v: &SValue) -> Value {
    match v {
        SValue::Num(n) if n.is_finite() => number(*n),
        // JSON has no Infinity or NaN: keep them as the text Scratch shows.
        SValue::Num(n) => Value::String(number_to_string(*n)),
        SValue::Str(s) => Value::String(s.to_string()),
        SValue::Bool(b) => Value::Bool(*b),
    }
}

/// An asset's name in the archive (`<md5>.<ext>`), its id, its format, and its bytes if known.
struct AssetName {
    asset_id: String,
    md5ext: String,
    format: String,
}

fn asset_name(
    file: Option<&str>,
    fallback: &str,
    default_format: &str,
    assets: &Sb3Assets,
    files: &mut HashMap<String, Vec<u8>>,
) -> AssetName {
    let ext = file
        .and_then(|f| f.rsplit_once('.'))
        .map(|(_, ext)| ext)
        .filter(|ext| !ext.is_empty() && ext.bytes().all(|b| b.is_ascii_alphanumeric()))
        .unwrap_or(default_format)
        .to_string();
    let format = ext.to_ascii_lowercase();
    let bytes = file.and_then(|f| assets.get(f));
    let (asset_id, md5ext) = match (file, bytes) {
        (Some(f), _) if is_md5ext(f) => (f[..32].to_string(), f.to_string()),
        (_, Some(bytes)) => {
            let id = md5::hex_digest(bytes);
            (id.clone(), format!("{id}.{ext}"))
        }
        // No bytes and no usable name: an id made from the name, for a file that is missing.
        (f, None) => {
            let id = md5::hex_digest(f.unwrap_or(fallback).as_bytes());
            (id.clone(), format!("{id}.{ext}"))
        }
    };
    if let Some(bytes) = bytes {
        files
            .entry(md5ext.clone())
            .or_insert_with(|| bytes.to_vec());
    }
    AssetName {
        asset_id,
        md5ext,
        format,
    }
}

/// `<32 hex digits>.<letters or digits>`, the schema's asset file name.
fn is_md5ext(f: &str) -> bool {
    match f.split_once('.') {
        Some((id, ext)) => {
            id.len() == 32
                && id.bytes().all(|b| b.is_ascii_hexdigit())
                && !ext.is_empty()
                && ext.bytes().all(|b| b.is_ascii_alphanumeric())
        }
        None => false,
    }
}

fn costume_json(c: &CostumeDef, assets: &Sb3Assets, files: &mut HashMap<String, Vec<u8>>) -> Value {
    let name = asset_name(c.file.as_deref(), &c.name, "svg", assets, files);
    json!({
        "name": c.name,
        "bitmapResolution": (c.bitmap_resolution.round() as i64).max(1),
        "dataFormat": name.format,
        "assetId": name.asset_id,
        "md5ext": name.md5ext,
        // A text project's costume without a centre: the host that knows the image's size fills
        // it in before saving (`starling convert` does); (0, 0) is the top-left corner.
        "rotationCenterX": number(c.rotation_center.map_or(0.0, |c| c.0)),
        "rotationCenterY": number(c.rotation_center.map_or(0.0, |c| c.1)),
    })
}

/// A sound as scratch-vm's `serializeSound` writes it. A sound whose file is in `assets` is named
/// by the MD5 of its bytes and gets the `dataFormat` of what the bytes are (see
/// [`sound_format`]); one whose file is missing keeps its name (or gets one made from its name)
/// and is written without the file, as Scratch writes a sound it could not load.
///
/// `rate` and `sampleCount` are the sound's [`SoundDef::rate_and_samples`] (the numbers a loaded
/// project had, or those `starling convert` found by decoding the file); else, when only the
/// length is known, a rate and count giving it; else they are left out (Scratch 3 does not need
/// them to open a project: scratch-vm's `loadSoundFromAsset` sets both from the decoded sound).
fn sound_json(s: &SoundDef, assets: &Sb3Assets, files: &mut HashMap<String, Vec<u8>>) -> Value {
    let file = s.file.as_deref();
    let bytes = file.and_then(|f| assets.get(f));
    let format = sound_format(file, bytes);
    let (asset_id, md5ext) = match (file, bytes) {
        (_, Some(bytes)) => {
            let id = md5::hex_digest(bytes);
            let md5ext = format!("{id}.{format}");
            files
                .entry(md5ext.clone())
                .or_insert_with(|| bytes.to_vec());
            (id, md5ext)
        }
        (Some(f), None) if is_md5ext(f) => (f[..32].to_string(), f.to_string()),
        // No bytes and no usable name: an id made from the name, for a file that is missing.
        (f, None) => {
            let id = md5::hex_digest(f.unwrap_or(&s.name).as_bytes());
            let md5ext = format!("{id}.{format}");
            (id, md5ext)
        }
    };
    let mut out = Map::new();
    out.insert("name".into(), json!(s.name));
    out.insert("assetId".into(), json!(asset_id));
    out.insert("dataFormat".into(), json!(format));
    out.insert("format".into(), json!(""));
    let rate_and_samples = s
        .rate_and_samples
        .filter(|(rate, _)| *rate > 0)
        .or_else(|| {
            s.seconds
                .filter(|s| s.is_finite() && *s >= 0.0)
                .map(rate_and_samples_for)
        });
    if let Some((rate, samples)) = rate_and_samples {
        out.insert("rate".into(), json!(rate));
        out.insert("sampleCount".into(), json!(samples));
    }
    out.insert("md5ext".into(), json!(md5ext));
    Value::Object(out)
}

/// A sound file's `dataFormat`, one of the two Scratch 3 plays and its schema allows: `"wav"`
/// for a RIFF file (PCM or IMA ADPCM), `"mp3"` for MP3 (an ID3 tag or an MPEG layer III frame
/// first), whatever the file is called. Bytes that are neither (a file Starling could not read
/// either, kept as it is) go by the name's extension: `mp3`, else `wav` (scratch-vm's
/// `deserializeSound` also treats every format but MP3 as WAV, and the browser decodes the bytes
/// by their content). OGG is not among them: `starling convert` saves an OGG sound as WAV.
fn sound_format(file: Option<&str>, bytes: Option<&[u8]>) -> &'static str {
    if let Some(b) = bytes {
        if b.starts_with(b"RIFF") || b.starts_with(b"RF64") {
            return "wav";
        }
        // ID3v2 tag, or a frame sync with MPEG layer III (layer bits 01).
        let mpeg_layer_3 =
            b.len() >= 2 && b[0] == 0xFF && b[1] & 0xE0 == 0xE0 && b[1] & 0x06 == 0x02;
        if b.starts_with(b"ID3") || mpeg_layer_3 {
            return "mp3";
        }
    }
    let ext = file.and_then(|f| f.rsplit_once('.')).map(|(_, ext)| ext);
    if ext.is_some_and(|e| e.eq_ignore_ascii_case("mp3")) {
        "mp3"
    } else {
        "wav"
    }
}

/// A sample rate and count giving `seconds`, for a sound whose length is known but not its rate:
/// the first common rate that gives it exactly, else 48 kHz.
fn rate_and_samples_for(seconds: f64) -> (u32, u64) {
    const RATES: [u32; 9] = [
        48_000, 44_100, 22_050, 11_025, 32_000, 24_000, 16_000, 8_000, 96_000,
    ];
    for rate in RATES {
        let samples = (seconds * rate as f64).round();
        if samples / rate as f64 == seconds {
            return (rate, samples as u64);
        }
    }
    (48_000, (seconds * 48_000.0).round() as u64)
}

#[cfg(test)]
mod sound_tests {
    use super::*;
    use starling_runtime::program::TargetDef;

    fn stage_with(sounds: Vec<SoundDef>) -> ir::Project {
        let mut stage = TargetDef::new("Stage", true);
        stage.sounds = sounds;
        ir::Project {
            targets: vec![ir::Target {
                def: stage,
                scripts: vec![],
                procedures: vec![],
            }],
            monitors: vec![],
        }
    }

    fn sound(name: &str, file: Option<&str>) -> SoundDef {
        SoundDef {
            name: name.into(),
            file: file.map(str::to_string),
            seconds: None,
            rate_and_samples: None,
        }
    }

    fn saved_sounds(project: &ir::Project, assets: &Sb3Assets) -> Vec<Value> {
        let json: Value = serde_json::from_str(&save_project_json(project, assets)).expect("json");
        json["targets"][0]["sounds"]
            .as_array()
            .expect("sounds")
            .clone()
    }

    #[test]
    fn sounds_are_named_and_typed_by_their_bytes() {
        let mut assets = Sb3Assets::default();
        let files: [(&str, &[u8], &str); 6] = [
            ("a.wav", b"RIFF\x04\0\0\0WAVE", "wav"),
            // An MP3 file called .wav is an MP3; so is one that starts with a frame.
            ("song.wav", b"ID3\x04\0\0\0\0\0\0", "mp3"),
            ("b.WAVE", &[0xFF, 0xFB, 0x90, 0x64, 0, 0], "mp3"),
            // Not a format Scratch 3 lists (OGG, unknown bytes): by the name, mp3 or else wav.
            ("c.ogg", b"OggS\0\x02", "wav"),
            ("d.mp3", b"garbage", "mp3"),
            ("e.flac", b"fLaC\0\0\0\x22", "wav"),
        ];
        let mut sounds = Vec::new();
        for (file, bytes, _) in &files {
            assets.insert(*file, bytes.to_vec());
            sounds.push(sound(file, Some(file)));
        }
        let saved = saved_sounds(&stage_with(sounds), &assets);
        // Files no sound uses are not packed.
        let (_, zipped) = build(&stage_with(vec![]), &assets);
        assert!(zipped.iter().all(|(name, _)| name.ends_with(".svg")));
        for ((file, bytes, format), json) in files.iter().zip(&saved) {
            let id = md5::hex_digest(bytes);
            assert_eq!(json["dataFormat"], *format, "{file}");
            assert_eq!(json["assetId"], id, "{file}");
            assert_eq!(json["md5ext"], format!("{id}.{format}"), "{file}");
            // Nothing says how long they are.
            assert!(json.get("rate").is_none() && json.get("sampleCount").is_none());
        }
        let project = stage_with(files.iter().map(|f| sound(f.0, Some(f.0))).collect());
        let (_, zipped) = build(&project, &assets);
        for ((_, bytes, _), json) in files.iter().zip(&saved) {
            let md5ext = json["md5ext"].as_str().expect("md5ext");
            let packed = zipped.iter().find(|(name, _)| name == md5ext);
            assert_eq!(packed.map(|(_, b)| b.as_slice()), Some(*bytes), "{md5ext}");
        }
    }

    #[test]
    fn a_sound_without_its_file_is_listed_without_it() {
        let gone = "0123456789abcdef0123456789abcdef.wav";
        let project = stage_with(vec![
            sound("gone", Some(gone)),
            sound("missing", Some("missing.mp3")),
            sound("nothing", None),
        ]);
        let saved = saved_sounds(&project, &Sb3Assets::default());
        assert_eq!(saved[0]["md5ext"], gone);
        assert_eq!(saved[0]["assetId"], &gone[..32]);
        let id = md5::hex_digest(b"missing.mp3");
        assert_eq!(saved[1]["md5ext"], format!("{id}.mp3"));
        assert_eq!(saved[1]["dataFormat"], "mp3");
        let id = md5::hex_digest(b"nothing");
        assert_eq!(saved[2]["md5ext"], format!("{id}.wav"));
        let (_, zipped) = build(&project, &Sb3Assets::default());
        assert!(zipped.iter().all(|(name, _)| name.ends_with(".svg")));
    }

    /// `rate` and `sampleCount` are saved back exactly as a project had them (1 s at 44.1 kHz
    /// stays 44,100 samples at 44,100 Hz, where the length alone would give 48 kHz); without
    /// them, from the length when it is known; else not at all.
    #[test]
    fn rate_and_sample_count_are_kept() {
        let json = r#"{"targets": [{"isStage": true, "name": "Stage", "costumes": [],
            "sounds": [
              {"name": "a", "assetId": "0123456789abcdef0123456789abcdef", "dataFormat": "wav",
               "md5ext": "0123456789abcdef0123456789abcdef.wav", "rate": 44100, "sampleCount": 44100},
              {"name": "b", "assetId": "0123456789abcdef0123456789abcdee", "dataFormat": "wav",
               "md5ext": "0123456789abcdef0123456789abcdee.wav", "rate": 22050.5, "sampleCount": 22050.5},
              {"name": "c", "assetId": "0123456789abcdef0123456789abcded", "dataFormat": "mp3",
               "md5ext": "0123456789abcdef0123456789abcded.mp3"}
            ]}], "meta": {"semver": "3.0.0"}}"#;
        let loaded = super::super::load_project_json(json);
        let project = loaded.project.expect("project");
        let sounds = &project.targets[0].def.sounds;
        assert_eq!(sounds[0].rate_and_samples, Some((44_100, 44_100)));
        assert_eq!(sounds[1].rate_and_samples, None);
        assert_eq!(sounds[1].seconds, Some(1.0));
        let saved = saved_sounds(&project, &Sb3Assets::default());
        assert_eq!(
            (&saved[0]["rate"], &saved[0]["sampleCount"]),
            (&json!(44_100), &json!(44_100))
        );
        assert_eq!(
            (&saved[1]["rate"], &saved[1]["sampleCount"]),
            (&json!(48_000), &json!(48_000))
        );
        assert!(saved[2].get("rate").is_none() && saved[2].get("sampleCount").is_none());
        assert_eq!(saved[2]["dataFormat"], "mp3");
    }
}
