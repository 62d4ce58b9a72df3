//! The editor's text view: one target's scripts of a project.json as scratchblocks text, and
//! text edited back into that target's blocks.
//!
//! Both directions go through the compiler's checked IR:
//!
//! ```text
//! project.json ──sb3::load_project_json──► IR ──syntax::print (one target)──► text
//! text ──(with the other targets' declarations around it) syntax::parse──► IR
//!      ──sb3::save_project_json──► that target's blocks/variables/lists ──► project.json
//! ```
//!
//! The text shows only the scripts (and custom block definitions) of the target; its
//! declarations (costumes, variables, lists) and the other targets are printed around it when
//! parsing, so names resolve as they do in the whole project, and diagnostics are moved back
//! into the user's text. Block ids stay stable where a block is still in the same place
//! (the same script, the same position, the same opcode); variables and lists keep their ids;
//! scripts keep their positions on the workspace.
//!
//! Known limits: what the IR does not keep is not kept through the text (comments attached to
//! blocks that changed id, blocks of extensions Starling does not know).

use serde::Serialize;
use serde_json::{Map, Value};
use starling_compiler::diag::{Diagnostic, Severity, SourceLoc};
use starling_compiler::ir::{self, Block, Expr};
use starling_compiler::{sb3, syntax, Lang};

use crate::session::{place, DiagnosticView, LabelView, Words};

/// What [`text_to_target`] gives: the whole project.json with the target's blocks replaced
/// (when the text had no errors) and the diagnostics placed in the user's text.
#[derive(Debug, Serialize)]
pub struct TextResult {
    pub ok: bool,
    /// The new project.json text (empty when `ok` is false).
    pub project_json: String,
    pub diagnostics: Vec<DiagnosticView>,
}

fn lang_of(lang: &str) -> Lang {
    if lang.starts_with("zh") {
        Lang::ZhCn
    } else {
        Lang::En
    }
}

/// The IR target index of the project.json target `index` (the loader orders targets as the
/// stage first, then sprites by layer; names are unique in Scratch projects).
fn ir_index(json: &Value, project: &ir::Project, index: usize) -> Option<usize> {
    let t = json.get("targets")?.get(index)?;
    let is_stage = t.get("isStage").and_then(Value::as_bool).unwrap_or(false);
    let name = t.get("name").and_then(Value::as_str).unwrap_or("");
    project
        .targets
        .iter()
        .position(|x| x.def.is_stage == is_stage && (is_stage || x.def.name == name))
}

/// One target alone, as a project (for printing it), with or without its scripts.
fn alone(target: &ir::Target, with_scripts: bool) -> ir::Project {
    let mut t = target.clone();
    if !with_scripts {
        t.scripts.clear();
        t.procedures.clear();
    }
    ir::Project {
        targets: vec![t],
        ..ir::Project::default()
    }
}

/// The scripts of project.json target `index` as text in `lang` ("en" or "zh-CN"). Empty when
/// the project cannot be read or the target has no scripts.
pub fn target_to_text(project_json: &str, index: usize, lang: &str) -> String {
    let lang = lang_of(lang);
    let Ok(json) = serde_json::from_str::<Value>(project_json) else {
        return String::new();
    };
    let loaded = sb3::load_project_json(project_json);
    let Some(project) = loaded.project else {
        return String::new();
    };
    let Some(k) = ir_index(&json, &project, index) else {
        return String::new();
    };
    let target = &project.targets[k];
    let header = syntax::print(&alone(target, false), lang);
    let full = syntax::print(&alone(target, true), lang);
    let scripts = full.strip_prefix(header.as_str()).unwrap_or(&full);
    let scripts = scripts.trim_start_matches('\n');
    scripts.to_string()
}

/// Compiles `text` as the scripts of project.json target `index` and, when it has no errors,
/// returns the project.json with that target's blocks (and variables, lists, and the stage's
/// new variables and broadcasts) replaced.
pub fn text_to_target(project_json: &str, index: usize, text: &str, lang: &str) -> TextResult {
    let lang = lang_of(lang);
    let fail = |diagnostics| TextResult {
        ok: false,
        project_json: String::new(),
        diagnostics,
    };
    let Ok(mut json) = serde_json::from_str::<Value>(project_json) else {
        return fail(vec![plain_error(
            "The project could not be read.",
            "无法读取这个项目。",
        )]);
    };
    let loaded = sb3::load_project_json(project_json);
    let Some(old) = loaded.project else {
        return fail(vec![plain_error(
            "The project could not be read.",
            "无法读取这个项目。",
        )]);
    };
    let Some(k) = ir_index(&json, &old, index) else {
        return fail(vec![plain_error(
            "This sprite is not in the project.",
            "项目里没有这个角色。",
        )]);
    };

    // The whole project as text, every other target without scripts, this one with `text`.
    let mut prefix = String::new();
    let mut suffix = String::new();
    for (i, target) in old.targets.iter().enumerate() {
        let section = syntax::print(&alone(target, false), lang);
        match i.cmp(&k) {
            std::cmp::Ordering::Less => {
                prefix.push_str(&section);
                prefix.push('\n');
            }
            std::cmp::Ordering::Equal => {
                prefix.push_str(&section);
                prefix.push('\n');
            }
            std::cmp::Ordering::Greater => {
                suffix.push('\n');
                suffix.push_str(&section);
            }
        }
    }
    let mut source = String::with_capacity(prefix.len() + text.len() + suffix.len() + 1);
    source.push_str(&prefix);
    source.push_str(text);
    if !text.ends_with('\n') {
        source.push('\n');
    }
    source.push_str(&suffix);
    let (mut project, diagnostics) = syntax::parse(&source);
    let at = prefix.len();
    let end = at + text.len();
    let views: Vec<DiagnosticView> = diagnostics.iter().map(|d| view(d, text, at, end)).collect();
    if diagnostics.iter().any(Diagnostic::is_error) {
        return fail(views);
    }
    // The parsed project must have the same targets in the same order.
    let Some(new_k) = project.targets.iter().position(|t| {
        t.def.is_stage == old.targets[k].def.is_stage && t.def.name == old.targets[k].def.name
    }) else {
        return fail(views);
    };
    keep_ids(&old, &mut project);
    keep_block_ids(&old.targets[k], &mut project.targets[new_k]);

    let saved: Value = match serde_json::from_str(&sb3::save_project_json(
        &project,
        &sb3::Sb3Assets::default(),
    )) {
        Ok(v) => v,
        Err(_) => return fail(views),
    };
    let Some(saved_targets) = saved.get("targets").and_then(Value::as_array) else {
        return fail(views);
    };
    let find = |is_stage: bool, name: &str| {
        saved_targets.iter().find(|t| {
            t.get("isStage").and_then(Value::as_bool) == Some(is_stage)
                && (is_stage || t.get("name").and_then(Value::as_str) == Some(name))
        })
    };
    let name = old.targets[k].def.name.clone();
    let is_stage = old.targets[k].def.is_stage;
    let (Some(new_target), Some(new_stage)) =
        (find(is_stage, &name).cloned(), find(true, "").cloned())
    else {
        return fail(views);
    };
    let Some(targets) = json.get_mut("targets").and_then(Value::as_array_mut) else {
        return fail(views);
    };
    // This target: blocks (positions of scripts that kept their ids), variables, lists.
    if let Some(Value::Object(target)) = targets.get_mut(index) {
        let old_blocks = target.get("blocks").cloned().unwrap_or(Value::Null);
        let mut blocks = new_target
            .get("blocks")
            .cloned()
            .unwrap_or_else(|| Value::Object(Map::new()));
        if let Value::Object(map) = &mut blocks {
            for (id, b) in map.iter_mut() {
                let (Some(old), Value::Object(b)) = (old_blocks.get(id), b) else {
                    continue;
                };
                if b.get("topLevel").and_then(Value::as_bool) == Some(true) {
                    for key in ["x", "y"] {
                        if let Some(v) = old.get(key) {
                            b.insert(key.into(), v.clone());
                        }
                    }
                }
            }
        }
        // Comments on blocks that are gone would point nowhere.
        if let Some(Value::Object(comments)) = target.get_mut("comments") {
            comments.retain(|_, c| match c.get("blockId").and_then(Value::as_str) {
                Some(id) => blocks.get(id).is_some(),
                None => true,
            });
        }
        target.insert("blocks".into(), blocks);
        for key in ["variables", "lists"] {
            merge_by_name(target, &new_target, key);
        }
    }
    // The stage: variables and lists the text made (for all sprites), and new messages.
    if let Some(Value::Object(stage)) = targets
        .iter_mut()
        .find(|t| t.get("isStage").and_then(Value::as_bool) == Some(true))
    {
        for key in ["variables", "lists", "broadcasts"] {
            merge_by_name(stage, &new_stage, key);
        }
    }
    TextResult {
        ok: true,
        project_json: json.to_string(),
        diagnostics: views,
    }
}

/// Adds the entries of `from[key]` whose names `to[key]` lacks (variables and lists are
/// `id: [name, value…]`, broadcasts `id: name`).
fn merge_by_name(to: &mut Map<String, Value>, from: &Value, key: &str) {
    let name_of = |v: &Value| -> Option<String> {
        match v {
            Value::String(s) => Some(s.clone()),
            Value::Array(a) => a.first().and_then(Value::as_str).map(str::to_string),
            _ => None,
        }
    };
    let Some(Value::Object(new)) = from.get(key) else {
        return;
    };
    let entry = to
        .entry(key.to_string())
        .or_insert_with(|| Value::Object(Map::new()));
    let Value::Object(existing) = entry else {
        return;
    };
    let names: std::collections::HashSet<String> = existing.values().filter_map(name_of).collect();
    for (id, v) in new {
        if let Some(n) = name_of(v) {
            if !names.contains(&n) && !existing.contains_key(id) {
                existing.insert(id.clone(), v.clone());
            }
        }
    }
}

/// Variables and lists keep the ids they had in the project (the text has none).
fn keep_ids(old: &ir::Project, new: &mut ir::Project) {
    for t in &mut new.targets {
        let Some(o) = old
            .targets
            .iter()
            .find(|o| o.def.is_stage == t.def.is_stage && o.def.name == t.def.name)
        else {
            continue;
        };
        for v in &mut t.def.variables {
            if let Some(ov) = o.def.variables.iter().find(|ov| ov.name == v.name) {
                v.id.clone_from(&ov.id);
            }
        }
        for l in &mut t.def.lists {
            if let Some(ol) = o.def.lists.iter().find(|ol| ol.name == l.name) {
                l.id.clone_from(&ol.id);
            }
        }
    }
}

/// Gives the parsed blocks the ids of the blocks they replace: scripts in order, procedures
/// by proccode, and inside them block by block while the opcodes agree.
fn keep_block_ids(old: &ir::Target, new: &mut ir::Target) {
    for (o, n) in old.scripts.iter().zip(new.scripts.iter_mut()) {
        n.loc = SourceLoc::None;
        if let (Some(oh), Some(nh)) = (&o.hat, &mut n.hat) {
            pair(oh, nh);
        }
        stack(&o.body, &mut n.body);
    }
    // Scripts beyond the old ones get fresh ids (not text offsets, which mean nothing here).
    for n in new.scripts.iter_mut().skip(old.scripts.len()) {
        n.loc = SourceLoc::None;
    }
    for n in &mut new.procedures {
        if let Some(o) = old.procedures.iter().find(|o| o.proccode == n.proccode) {
            n.loc = o.loc.clone();
            stack(&o.body, &mut n.body);
        }
    }
    // Anything still carrying a text span gets a fresh id from the saver.
    for s in &mut new.scripts {
        if let Some(h) = &mut s.hat {
            clear_spans(h);
        }
        s.body.iter_mut().for_each(clear_spans);
    }
    for p in &mut new.procedures {
        if matches!(p.loc, SourceLoc::Span { .. }) {
            p.loc = SourceLoc::None;
        }
        p.body.iter_mut().for_each(clear_spans);
    }
}

fn stack(old: &[Block], new: &mut [Block]) {
    for (o, n) in old.iter().zip(new.iter_mut()) {
        if o.spec.opcode != n.spec.opcode {
            return;
        }
        pair(o, n);
    }
}

fn pair(o: &Block, n: &mut Block) {
    if o.spec.opcode != n.spec.opcode {
        return;
    }
    if matches!(o.loc, SourceLoc::Block(_)) {
        n.loc = o.loc.clone();
    }
    for (oa, na) in o.args.iter().zip(n.args.iter_mut()) {
        if let (ir::Arg::Expr(oe), ir::Arg::Expr(ne)) = (oa, na) {
            if let (Expr::Block(ob), Expr::Block(nb)) = (oe.as_ref(), ne.as_mut()) {
                pair(ob, nb);
            }
        }
    }
    for (os, ns) in o.substacks.iter().zip(n.substacks.iter_mut()) {
        stack(os, ns);
    }
}

fn clear_spans(b: &mut Block) {
    if matches!(b.loc, SourceLoc::Span { .. }) {
        b.loc = SourceLoc::None;
    }
    for a in &mut b.args {
        if let ir::Arg::Expr(e) = a {
            if let Expr::Block(inner) = e.as_mut() {
                clear_spans(inner);
            }
        }
    }
    for s in &mut b.substacks {
        s.iter_mut().for_each(clear_spans);
    }
}

fn plain_error(en: &str, zh: &str) -> DiagnosticView {
    DiagnosticView {
        severity: "error",
        message: Words {
            en: en.into(),
            zh: zh.into(),
        },
        hint: None,
        place: None,
        block: None,
        labels: Vec::new(),
    }
}

/// A diagnostic of the whole source, placed in the user's `text` (which starts at byte `at`).
fn view(d: &Diagnostic, text: &str, at: usize, end: usize) -> DiagnosticView {
    let locate = |loc: &SourceLoc| match loc {
        SourceLoc::Span { start, end: e } => {
            let (s, e) = (*start as usize, *e as usize);
            if s >= at && s <= end {
                Some(place(text, s - at, e.clamp(s, end) - at))
            } else {
                None
            }
        }
        _ => None,
    };
    DiagnosticView {
        severity: match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        },
        message: Words::from(&d.message),
        hint: d.hint.as_ref().map(Words::from),
        place: locate(&d.loc),
        block: None,
        labels: d
            .labels
            .iter()
            .map(|l| LabelView {
                message: Words::from(&l.message),
                place: locate(&l.loc),
                block: None,
            })
            .collect(),
    }
}

/// The compile problems of a project.json (blocks made in the editor), without loading it:
/// JSON array of diagnostics, each with the block id when the problem has one.
pub fn check_project_json(project_json: &str) -> Vec<DiagnosticView> {
    let loaded = sb3::load_project_json(project_json);
    let mut diagnostics = loaded.diagnostics;
    if let Some(project) = &loaded.project {
        if !diagnostics.iter().any(Diagnostic::is_error) && !project.targets.is_empty() {
            let (_, more) = starling_compiler::codegen::generate(project);
            diagnostics.extend(more);
        }
    }
    diagnostics
        .iter()
        .map(|d| {
            let mut v = view(d, "", 0, 0);
            if let SourceLoc::Block(id) = &d.loc {
                v.block = Some(id.clone());
            }
            v
        })
        .collect()
}

#[cfg(target_arch = "wasm32")]
mod exports {
    #![allow(unsafe_code)]
    use wasm_bindgen::prelude::*;

    use crate::web::Playground;

    #[wasm_bindgen]
    impl Playground {
        /// The block catalog as JSON (the editor's blocks, toolbox and menus).
        pub fn catalog_json() -> String {
            starling_compiler::catalog::export::catalog_json()
        }

        /// Target `index` of a project.json: its scripts as scratchblocks text in `lang`.
        pub fn target_to_text(project_json: &str, index: usize, lang: &str) -> String {
            super::target_to_text(project_json, index, lang)
        }

        /// Text back into target `index`: JSON `{ok, project_json, diagnostics}`.
        pub fn text_to_target(project_json: &str, index: usize, text: &str, lang: &str) -> String {
            let result = super::text_to_target(project_json, index, text, lang);
            serde_json::to_string(&result).unwrap_or_else(|_| "null".into())
        }

        /// The compile problems of a project.json, as a JSON array of diagnostics.
        pub fn check_project_json(project_json: &str) -> String {
            serde_json::to_string(&super::check_project_json(project_json))
                .unwrap_or_else(|_| "[]".into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROJECT: &str = r#"{"targets":[
      {"isStage":true,"name":"Stage","variables":{"v1":["score",0]},"lists":{},"broadcasts":{},"blocks":{},"comments":{},"costumes":[],"sounds":[]},
      {"isStage":false,"name":"Cat","variables":{},"lists":{},"broadcasts":{},"comments":{},"costumes":[],"sounds":[],
       "blocks":{
         "a":{"opcode":"event_whenflagclicked","next":"b","parent":null,"inputs":{},"fields":{},"shadow":false,"topLevel":true,"x":50,"y":60},
         "b":{"opcode":"motion_movesteps","next":null,"parent":"a","inputs":{"STEPS":[1,[4,"10"]]},"fields":{},"shadow":false,"topLevel":false}
       }}],"meta":{"semver":"3.0.0"}}"#;

    #[test]
    fn prints_one_targets_scripts() {
        let text = target_to_text(PROJECT, 1, "en");
        assert!(text.starts_with("when green flag clicked"), "{text}");
        assert!(text.contains("move (10) steps"), "{text}");
        assert!(!text.contains("#sprite"), "{text}");
        let zh = target_to_text(PROJECT, 1, "zh-CN");
        assert!(zh.contains("当绿旗被点击"), "{zh}");
    }

    #[test]
    fn text_back_to_blocks_keeps_ids_and_positions() {
        let text = target_to_text(PROJECT, 1, "en").replace("(10)", "(100)");
        let r = text_to_target(PROJECT, 1, &format!("{text}\nset [score v] to (1)\n"), "en");
        assert!(r.ok, "{:?}", r.diagnostics);
        let v: Value = serde_json::from_str(&r.project_json).unwrap();
        let blocks = &v["targets"][1]["blocks"];
        assert_eq!(blocks["a"]["x"], 50, "{blocks}");
        assert_eq!(blocks["b"]["inputs"]["STEPS"][1][1], "100", "{blocks}");
        let set = blocks
            .as_object()
            .unwrap()
            .values()
            .find(|b| b["opcode"] == "data_setvariableto")
            .unwrap();
        assert_eq!(set["fields"]["VARIABLE"][1], "v1", "{set}");
        assert_eq!(v["targets"][0]["variables"].as_object().unwrap().len(), 1);
    }

    #[test]
    fn mistakes_are_placed_in_the_users_text() {
        let r = text_to_target(
            PROJECT,
            1,
            "when green flag clicked\nmove (10) stepz\n",
            "en",
        );
        assert!(!r.ok);
        let d = &r.diagnostics[0];
        let place = d.place.as_ref().expect("placed");
        assert_eq!(place.line, 2, "{d:?}");
    }

    #[test]
    fn bad_input_never_panics() {
        assert_eq!(target_to_text("{", 0, "en"), "");
        assert!(!text_to_target("{}", 3, "x", "en").ok);
        assert!(check_project_json("nonsense")
            .iter()
            .any(|d| d.severity == "error"));
    }
}
