//! Tests of the .sb3 loader and saver.
//!
//! Real projects: every fixture under tests/fixtures/sb3 (Scratch's own execute tests and the
//! benchmark projects) loads without errors, compiles, survives load → save → load unchanged,
//! and saves a project.json that Scratch's JSON schema (tests/fixtures/schema) accepts.
//! Broken files: each kind of damage gives an error diagnostic and never a panic or a hang.

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use starling_runtime::isa::LOCAL;
use starling_runtime::program::SourceLoc;

use super::{load, load_project_json, load_with_limits, save, save_project_json, Limits, Loaded};
use crate::catalog::Lang;
use crate::codegen;
use crate::ir::{self, Arg, Block, Expr};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures")
}

/// Every .sb3 fixture: (file name, bytes).
fn fixtures() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for sub in ["sb3/conformance", "sb3/bench"] {
        let dir = fixtures_dir().join(sub);
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries {
            let path = entry.expect("dir entry").path();
            if path.extension().is_some_and(|e| e == "sb3") {
                let name = format!(
                    "{sub}/{}",
                    path.file_name().unwrap_or_default().to_string_lossy()
                );
                out.push((name, std::fs::read(&path).expect("read fixture")));
            }
        }
    }
    out.sort();
    out
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixtures_dir().join("sb3").join(name)).expect("read fixture")
}

fn plain(diagnostics: &[crate::Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| d.to_plain(Lang::En))
        .collect::<Vec<_>>()
        .join("\n")
}

fn errors(loaded: &Loaded) -> Vec<String> {
    loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.to_plain(Lang::En))
        .collect()
}

/// Loads and asserts there is a project and no error.
fn load_ok(bytes: &[u8]) -> (ir::Project, Loaded) {
    let loaded = load(bytes);
    assert!(!loaded.has_errors(), "{}", plain(&loaded.diagnostics));
    let project = loaded.project.clone().expect("a project");
    (project, loaded)
}

/// A project.json with an empty stage (with the given globals) and one sprite with `blocks`.
fn project_with(stage_vars: Value, sprite_vars: Value, blocks: Value) -> String {
    json!({
        "targets": [
            {
                "isStage": true, "name": "Stage", "variables": stage_vars, "lists": {},
                "broadcasts": {"b-id": "hello"}, "blocks": {}, "comments": {},
                "currentCostume": 0, "costumes": [], "sounds": [], "volume": 100,
                "layerOrder": 0, "tempo": 60
            },
            {
                "isStage": false, "name": "Sprite1", "variables": sprite_vars, "lists": {},
                "broadcasts": {}, "blocks": blocks, "comments": {}, "currentCostume": 0,
                "costumes": [], "sounds": [], "volume": 100, "layerOrder": 1, "visible": true,
                "x": 0, "y": 0, "size": 100, "direction": 90, "draggable": false,
                "rotationStyle": "all around"
            }
        ],
        "monitors": [], "extensions": [], "meta": {"semver": "3.0.0"}
    })
    .to_string()
}

fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        zip.start_file(*name, options).expect("start");
        zip.write_all(bytes).expect("write");
    }
    zip.finish().expect("finish").into_inner()
}

/// Overwrites the declared uncompressed size of every entry (local and central headers).
fn patch_declared_size(zip: &mut [u8], size: u32) {
    let mut i = 0;
    while i + 30 <= zip.len() {
        if zip[i..i + 4] == *b"PK\x03\x04" {
            zip[i + 22..i + 26].copy_from_slice(&size.to_le_bytes());
        } else if zip[i..i + 4] == *b"PK\x01\x02" && i + 28 <= zip.len() {
            zip[i + 24..i + 28].copy_from_slice(&size.to_le_bytes());
        }
        i += 1;
    }
}

/// The sprite (target 1) of a project.
fn sprite(project: &ir::Project) -> &ir::Target {
    &project.targets[1]
}

/// Clears everything that may differ after a round trip without changing the program: block
/// locations and variable ids.
fn normalized(project: &ir::Project) -> ir::Project {
    fn block(b: &mut Block) {
        b.loc = SourceLoc::None;
        for arg in &mut b.args {
            if let Arg::Expr(e) = arg {
                if let Expr::Block(inner) = &mut **e {
                    block(inner);
                }
            }
        }
        for body in &mut b.substacks {
            body.iter_mut().for_each(block);
        }
    }
    let mut p = project.clone();
    for t in &mut p.targets {
        t.def.variables.iter_mut().for_each(|v| v.id = None);
        t.def.lists.iter_mut().for_each(|l| l.id = None);
        for s in &mut t.scripts {
            s.loc = SourceLoc::None;
            s.hat.iter_mut().for_each(block);
            s.body.iter_mut().for_each(block);
        }
        for proc in &mut t.procedures {
            proc.loc = SourceLoc::None;
            proc.body.iter_mut().for_each(block);
        }
    }
    p
}

fn all_blocks(project: &ir::Project) -> Vec<&Block> {
    fn walk<'a>(b: &'a Block, out: &mut Vec<&'a Block>) {
        out.push(b);
        for arg in &b.args {
            if let Arg::Expr(e) = arg {
                if let Expr::Block(inner) = &**e {
                    walk(inner, out);
                }
            }
        }
        for body in &b.substacks {
            body.iter().for_each(|b| walk(b, out));
        }
    }
    let mut out = Vec::new();
    for t in &project.targets {
        for s in &t.scripts {
            s.hat.iter().chain(&s.body).for_each(|b| walk(b, &mut out));
        }
        for p in &t.procedures {
            p.body.iter().for_each(|b| walk(b, &mut out));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Real projects
// ---------------------------------------------------------------------------------------------

#[test]
fn every_fixture_loads_without_errors_and_compiles() {
    let fixtures = fixtures();
    assert!(
        fixtures.len() >= 53,
        "expected the 44 conformance and 9 bench fixtures, found {}",
        fixtures.len()
    );
    let mut failures = Vec::new();
    for (name, bytes) in &fixtures {
        let loaded = load(bytes);
        if loaded.has_errors() || loaded.project.is_none() {
            failures.push(format!("{name}: {}", plain(&loaded.diagnostics)));
            continue;
        }
        let project = loaded.project.as_ref().expect("project");
        let (program, diags) = codegen::generate(project);
        if !diags.is_empty() {
            failures.push(format!("{name}: codegen: {}", plain(&diags)));
        }
        if program.scripts.is_empty() {
            failures.push(format!("{name}: no script with a hat"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn assets_come_with_the_project_and_missing_ones_are_warnings() {
    let (project, loaded) = load_ok(&fixture("conformance/procedures-number-number-boolean.sb3"));
    assert_eq!(loaded.assets.len(), 5);
    let stage = &project.targets[0].def;
    assert_eq!(
        stage.costumes[0].file.as_deref(),
        Some("739b5e2a2435f6e1ec2993791b423146.png")
    );
    assert!(loaded
        .assets
        .get("739b5e2a2435f6e1ec2993791b423146.png")
        .is_some());
    assert_eq!(stage.costumes[0].rotation_center, Some((240.0, 180.0)));
    let pop = &stage.sounds[0];
    assert_eq!(pop.name, "pop");
    assert_eq!(pop.seconds, Some(258.0 / 11025.0));

    let loaded = load(&fixture("bench/hello_noasset.sb3"));
    assert!(!loaded.has_errors());
    let text = plain(&loaded.diagnostics);
    assert!(
        text.contains("warning") && text.contains("costume1") && text.contains("Sprite1"),
        "{text}"
    );

    let (project, _) = load_ok(&fixture("bench/hello_nocostume.sb3"));
    assert!(project.targets.iter().all(|t| t.def.costumes.is_empty()));
}

#[test]
fn custom_blocks_lower_to_procedures_with_resolved_calls() {
    let (project, _) = load_ok(&fixture("conformance/procedures-number-number-boolean.sb3"));
    let sprite = sprite(&project);
    let codes: Vec<&str> = sprite
        .procedures
        .iter()
        .map(|p| p.proccode.as_str())
        .collect();
    assert_eq!(codes, ["foo", "baz %n %n %b", "bar %n %n %b"]);
    let bar = &sprite.procedures[2];
    let kinds: Vec<(&str, bool)> = bar
        .params
        .iter()
        .map(|p| (p.name.as_str(), p.boolean))
        .collect();
    assert_eq!(
        kinds,
        [
            ("number1", false),
            ("number2", false),
            ("mustBeFalse", true)
        ]
    );
    assert!(!bar.warp);
    // foo calls bar (1, 10, <empty>) then baz (1, 10, <not <>>).
    let foo = &sprite.procedures[0];
    assert_eq!(foo.body.len(), 2);
    assert_eq!(foo.body[0].call, Some(2));
    assert_eq!(
        foo.body[0].args[..2],
        [Arg::Literal("1".into()), Arg::Literal("10".into())]
    );
    assert_eq!(foo.body[0].args[2], Arg::Empty);
    assert_eq!(foo.body[1].call, Some(1));
    assert!(
        matches!(&foo.body[1].args[2], Arg::Expr(e) if matches!(&**e, Expr::Block(b) if b.spec.opcode == "operator_not"))
    );
    // The boolean parameter reporter in bar's `if` resolves to its index.
    let cond = &bar.body[0].args[0];
    assert_eq!(
        cond,
        &Arg::Expr(Box::new(Expr::Param {
            name: "mustBeFalse".into(),
            boolean: true,
            index: Some(2)
        }))
    );
}

#[test]
fn argument_reporters_outside_their_procedure_have_no_index() {
    let (project, _) = load_ok(&fixture(
        "conformance/procedures-nested-missing-boolean-param.sb3",
    ));
    let params: Vec<(String, Option<u32>)> = all_blocks(&project)
        .iter()
        .flat_map(|b| b.args.iter())
        .filter_map(|a| match a {
            Arg::Expr(e) => match &**e {
                Expr::Param { name, index, .. } => Some((name.clone(), *index)),
                _ => None,
            },
            _ => None,
        })
        .collect();
    // Test 2 (whose parameter is `boolean2`) reads `boolean1`, a parameter of Test 1 that
    // calls it: Scratch only looks in the innermost call, and reports false.
    assert_eq!(
        params,
        [
            ("boolean1".to_string(), None),
            ("boolean1".to_string(), None)
        ]
    );
}

#[test]
fn recursive_procedures_and_list_fields_in_the_fib_benchmark() {
    let (project, _) = load_ok(&fixture("bench/fib.sb3"));
    let stage = &project.targets[0].def;
    assert_eq!(
        stage
            .variables
            .iter()
            .map(|v| v.name.as_str())
            .collect::<Vec<_>>(),
        ["a", "b"]
    );
    assert_eq!(stage.variables[0].id.as_deref(), Some("var-a"));
    let lists: Vec<Option<&str>> = stage.lists.iter().map(|l| l.id.as_deref()).collect();
    assert_eq!(lists, [Some("list-stack")]);
    let calls: Vec<&Block> = all_blocks(&project)
        .into_iter()
        .filter(|b| b.spec.opcode == "procedures_call")
        .collect();
    assert!(!calls.is_empty());
    assert!(calls.iter().all(|c| c.call == Some(0)));
    let adds: Vec<&Block> = all_blocks(&project)
        .into_iter()
        .filter(|b| b.spec.opcode == "data_addtolist")
        .collect();
    assert!(adds.iter().all(|b| b.args[1]
        == Arg::List(ir::VarRef {
            name: "stack".into(),
            slot: 0
        })));
}

#[test]
fn sprite_variables_get_local_slots_and_globals_stage_slots() {
    let (project, _) = load_ok(&fixture("conformance/data-operators-local.sb3"));
    let slots: Vec<u32> = all_blocks(&project)
        .iter()
        .filter(|b| b.spec.opcode == "data_setvariableto")
        .filter_map(|b| match &b.args[0] {
            Arg::Var(v) => Some(v.slot),
            _ => None,
        })
        .collect();
    assert!(!slots.is_empty());
    assert!(slots.iter().all(|s| s & LOCAL != 0), "{slots:?}");

    let (project, _) = load_ok(&fixture("conformance/data-operators-global.sb3"));
    let slots: Vec<u32> = all_blocks(&project)
        .iter()
        .filter(|b| b.spec.opcode == "data_setvariableto")
        .filter_map(|b| match &b.args[0] {
            Arg::Var(v) => Some(v.slot),
            _ => None,
        })
        .collect();
    assert!(!slots.is_empty());
    assert!(slots.iter().all(|s| s & LOCAL == 0), "{slots:?}");
}

#[test]
fn sprites_come_in_layer_order_after_the_stage() {
    let json = json!({
        "targets": [
            {"isStage": false, "name": "Front", "layerOrder": 2, "blocks": {}},
            {"isStage": true, "name": "Stage", "layerOrder": 0, "blocks": {}},
            {"isStage": false, "name": "Back", "layerOrder": 1, "blocks": {}}
        ]
    });
    let loaded = load_project_json(&json.to_string());
    assert!(!loaded.has_errors(), "{}", plain(&loaded.diagnostics));
    let names: Vec<String> = loaded
        .project
        .expect("project")
        .targets
        .iter()
        .map(|t| t.def.name.clone())
        .collect();
    assert_eq!(names, ["Stage", "Back", "Front"]);
}

#[test]
fn target_state_is_read_like_scratch_does() {
    let json = json!({
        "targets": [
            {"isStage": true, "name": "Stage", "tempo": 90, "volume": 50, "costumes": [
                {"name": "b", "assetId": "a", "dataFormat": "png", "bitmapResolution": 2,
                 "rotationCenterX": 480, "rotationCenterY": 360}]},
            {"isStage": false, "name": "S", "x": "12", "y": -5.5, "direction": 270, "size": 50,
             "visible": false, "draggable": true, "rotationStyle": "left-right",
             "currentCostume": 7, "costumes": [
                {"name": "c1", "md5ext": "x.svg"}, {"name": "c2", "assetId": "y", "dataFormat": "svg"}]}
        ]
    });
    let loaded = load_project_json(&json.to_string());
    assert!(!loaded.has_errors(), "{}", plain(&loaded.diagnostics));
    let project = loaded.project.expect("project");
    let stage = &project.targets[0].def;
    assert_eq!((stage.tempo, stage.volume), (90.0, 50.0));
    assert_eq!(stage.costumes[0].file.as_deref(), Some("a.png"));
    assert_eq!(stage.costumes[0].bitmap_resolution, 2.0);
    let s = &project.targets[1].def;
    assert_eq!((s.x, s.y, s.direction, s.size), (12.0, -5.5, -90.0, 50.0));
    assert!(!s.visible && s.draggable);
    assert_eq!(
        s.rotation_style,
        starling_runtime::program::RotationStyle::LeftRight
    );
    assert_eq!(s.current_costume, 1);
    let files: Vec<Option<&str>> = s.costumes.iter().map(|c| c.file.as_deref()).collect();
    assert_eq!(files, [Some("x.svg"), Some("y.svg")]);
}

// ---------------------------------------------------------------------------------------------
// Blocks, variables, broadcasts
// ---------------------------------------------------------------------------------------------

#[test]
fn inputs_in_every_encoding() {
    let blocks = json!({
        "hat": {"opcode": "event_whenflagclicked", "next": "say", "parent": null, "inputs": {},
                "fields": {}, "shadow": false, "topLevel": true, "x": 0, "y": 0},
        // [3, reporter, shadow]: the reporter counts.
        "say": {"opcode": "looks_say", "next": "goto", "parent": "hat",
                "inputs": {"MESSAGE": [3, "join", [10, "hidden"]]}, "fields": {}, "shadow": false,
                "topLevel": false},
        "join": {"opcode": "operator_join", "next": null, "parent": "say",
                 "inputs": {"STRING1": [1, [10, "a"]], "STRING2": [3, [12, "score", "v1"], [10, ""]]},
                 "fields": {}, "shadow": false, "topLevel": false},
        // [1, shadow-block-id]: a menu shadow block.
        "goto": {"opcode": "motion_goto", "next": "bc", "parent": "say",
                 "inputs": {"TO": [1, "menu"]}, "fields": {}, "shadow": false, "topLevel": false},
        "menu": {"opcode": "motion_goto_menu", "next": null, "parent": "goto", "inputs": {},
                 "fields": {"TO": ["_mouse_", null]}, "shadow": true, "topLevel": false},
        // A broadcast menu whose id names a stage broadcast: the stage's name wins.
        "bc": {"opcode": "event_broadcast", "next": "if", "parent": "goto",
               "inputs": {"BROADCAST_INPUT": [1, [11, "stale name", "b-id"]]}, "fields": {},
               "shadow": false, "topLevel": false},
        // An empty boolean input and an empty substack; a number input as a number.
        "if": {"opcode": "control_if", "next": "move", "parent": "bc",
               "inputs": {"CONDITION": [1, null]}, "fields": {}, "shadow": false, "topLevel": false},
        "move": {"opcode": "motion_movesteps", "next": "setv", "parent": "if",
                 "inputs": {"STEPS": [1, [4, 10]]}, "fields": {}, "shadow": false, "topLevel": false},
        "setv": {"opcode": "data_setvariableto", "next": null, "parent": "move",
                 "inputs": {"VALUE": [3, [13, "things", "l1"], [10, "0"]]},
                 "fields": {"VARIABLE": ["score", "v1"]}, "shadow": false, "topLevel": false}
    });
    let json = project_with(json!({"v1": ["score", 0]}), json!({}), blocks);
    let loaded = load_project_json(&json);
    assert!(!loaded.has_errors(), "{}", plain(&loaded.diagnostics));
    let project = loaded.project.expect("project");
    let body = &sprite(&project).scripts[0].body;
    let ops: Vec<&str> = body.iter().map(|b| b.spec.opcode).collect();
    assert_eq!(
        ops,
        [
            "looks_say",
            "motion_goto",
            "event_broadcast",
            "control_if",
            "motion_movesteps",
            "data_setvariableto"
        ]
    );
    let Arg::Expr(join) = &body[0].args[0] else {
        panic!("{:?}", body[0].args)
    };
    let Expr::Block(join) = &**join else { panic!() };
    let score = ir::VarRef {
        name: "score".into(),
        slot: 0,
    };
    assert_eq!(
        join.args,
        [
            Arg::Literal("a".into()),
            Arg::Expr(Box::new(Expr::Var(score.clone())))
        ]
    );
    assert_eq!(body[1].args, [Arg::Literal("_mouse_".into())]);
    assert_eq!(body[2].args, [Arg::Literal("hello".into())]);
    assert_eq!(body[3].args, [Arg::Empty]);
    assert_eq!(body[3].substacks, [Vec::<Block>::new()]);
    assert_eq!(body[4].args, [Arg::Literal("10".into())]);
    assert_eq!(body[4].loc, SourceLoc::Block("move".into()));
    // The list `things` does not exist anywhere: like scratch-vm, the sprite gets it.
    let things = ir::VarRef {
        name: "things".into(),
        slot: LOCAL,
    };
    assert_eq!(
        body[5].args,
        [Arg::Var(score), Arg::Expr(Box::new(Expr::List(things)))]
    );
    assert_eq!(sprite(&project).def.lists[0].name, "things");
    assert_eq!(sprite(&project).def.lists[0].id.as_deref(), Some("l1"));
    let (_, diags) = codegen::generate(&project);
    assert!(diags.is_empty(), "{}", plain(&diags));
}

#[test]
fn variables_resolve_by_id_then_by_name_then_are_created() {
    let set = |id: &str, name: &str, var_id: &str, next: Value| {
        json!({"opcode": "data_setvariableto", "next": next, "parent": null,
               "inputs": {"VALUE": [1, [10, "1"]]}, "fields": {"VARIABLE": [name, var_id]},
               "shadow": false, "topLevel": id == "a"})
    };
    let blocks = json!({
        "a": set("a", "renamed", "g1", json!("b")),    // by id (the name is out of date)
        "b": set("b", "mine", "nope", json!("c")),     // by name, the sprite's own first
        "c": set("c", "global", "nope2", json!("d")),  // by name, the stage's
        "d": set("d", "fresh", "new-id", json!(null)), // nowhere: created for the sprite
    });
    let json = project_with(
        json!({"g1": ["global", 5], "g2": ["mine", 6]}),
        json!({"s1": ["mine", "seven"]}),
        blocks,
    );
    let loaded = load_project_json(&json);
    assert!(!loaded.has_errors(), "{}", plain(&loaded.diagnostics));
    let project = loaded.project.expect("project");
    let vars: Vec<(String, u32)> = sprite(&project).scripts[0]
        .body
        .iter()
        .map(|b| match &b.args[0] {
            Arg::Var(v) => (v.name.clone(), v.slot),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        vars,
        [
            ("global".to_string(), 0),
            ("mine".to_string(), LOCAL),
            ("global".to_string(), 0),
            ("fresh".to_string(), LOCAL | 1)
        ]
    );
    let def = &sprite(&project).def;
    assert_eq!(
        def.variables[0].initial,
        starling_runtime::Value::from("seven")
    );
    assert_eq!(def.variables[1].name, "fresh");
    assert_eq!(def.variables[1].initial, starling_runtime::Value::Num(0.0));
    assert_eq!(
        project.targets[0].def.variables[0].initial,
        starling_runtime::Value::Num(5.0)
    );
}

#[test]
fn a_call_to_an_undefined_custom_block_is_dropped_with_a_warning() {
    let blocks = json!({
        "hat": {"opcode": "event_whenflagclicked", "next": "call", "parent": null, "inputs": {},
                "fields": {}, "shadow": false, "topLevel": true},
        "call": {"opcode": "procedures_call", "next": "say", "parent": "hat", "inputs": {},
                 "fields": {}, "shadow": false, "topLevel": false,
                 "mutation": {"tagName": "mutation", "children": [], "proccode": "jump %s",
                              "argumentids": "[\"x\"]"}},
        "say": {"opcode": "looks_say", "next": null, "parent": "call",
                "inputs": {"MESSAGE": [1, [10, "hi"]]}, "fields": {}, "shadow": false,
                "topLevel": false}
    });
    let loaded = load_project_json(&project_with(json!({}), json!({}), blocks));
    assert!(!loaded.has_errors(), "{}", plain(&loaded.diagnostics));
    assert!(plain(&loaded.diagnostics).contains("jump %s"));
    let project = loaded.project.expect("project");
    let ops: Vec<&str> = sprite(&project).scripts[0]
        .body
        .iter()
        .map(|b| b.spec.opcode)
        .collect();
    assert_eq!(ops, ["looks_say"]);
}

#[test]
fn missing_call_arguments_get_the_definitions_defaults() {
    let blocks = json!({
        "def": {"opcode": "procedures_definition", "next": null, "parent": null,
                "inputs": {"custom_block": [1, "proto"]}, "fields": {}, "shadow": false,
                "topLevel": true},
        "proto": {"opcode": "procedures_prototype", "next": null, "parent": "def", "inputs": {},
                  "fields": {}, "shadow": true, "topLevel": false,
                  "mutation": {"tagName": "mutation", "children": [], "proccode": "f %n %b",
                               "argumentids": "[\"i0\",\"i1\"]", "argumentnames": "[\"n\",\"b\"]",
                               "argumentdefaults": "[1,false]", "warp": "true"}},
        "hat": {"opcode": "event_whenflagclicked", "next": "call", "parent": null, "inputs": {},
                "fields": {}, "shadow": false, "topLevel": true},
        "call": {"opcode": "procedures_call", "next": null, "parent": "hat",
                 "inputs": {"i0": [1, null]}, "fields": {}, "shadow": false, "topLevel": false,
                 "mutation": {"tagName": "mutation", "children": [], "proccode": "f %n %b",
                              "argumentids": "[\"i0\",\"i1\"]"}}
    });
    let loaded = load_project_json(&project_with(json!({}), json!({}), blocks));
    assert!(!loaded.has_errors(), "{}", plain(&loaded.diagnostics));
    let project = loaded.project.expect("project");
    let proc = &sprite(&project).procedures[0];
    assert!(proc.warp);
    let call = &sprite(&project).scripts[0].body[0];
    assert_eq!(call.args, [Arg::Literal("1".into()), Arg::Empty]);
}

#[test]
fn unknown_extension_blocks_are_named_and_left_out() {
    let blocks = json!({
        "hat": {"opcode": "event_whenflagclicked", "next": "video", "parent": null, "inputs": {},
                "fields": {}, "shadow": false, "topLevel": true},
        "video": {"opcode": "videoSensing_videoToggle", "next": "say", "parent": "hat",
                  "inputs": {"VIDEO_STATE": [1, "vmenu"]}, "fields": {}, "shadow": false,
                  "topLevel": false},
        "vmenu": {"opcode": "videoSensing_menu_VIDEO_STATE", "next": null, "parent": "video",
                  "inputs": {}, "fields": {"VIDEO_STATE": ["on", null]}, "shadow": true,
                  "topLevel": false},
        "say": {"opcode": "looks_say", "next": null, "parent": "video",
                "inputs": {"MESSAGE": [3, "tr", [10, "hello"]]}, "fields": {}, "shadow": false,
                "topLevel": false},
        "tr": {"opcode": "translate_getTranslate", "next": null, "parent": "say",
               "inputs": {"WORDS": [1, [10, "hi"]]}, "fields": {}, "shadow": false,
               "topLevel": false},
        "tts": {"opcode": "text2speech_whenSpoken", "next": "say2", "parent": null, "inputs": {},
                "fields": {}, "shadow": false, "topLevel": true},
        "say2": {"opcode": "looks_say", "next": null, "parent": "tts",
                 "inputs": {"MESSAGE": [1, [10, "x"]]}, "fields": {}, "shadow": false,
                 "topLevel": false}
    });
    let loaded = load_project_json(&project_with(json!({}), json!({}), blocks));
    assert!(!loaded.has_errors(), "{}", plain(&loaded.diagnostics));
    let warnings = plain(&loaded.diagnostics);
    for needle in [
        "videoSensing_videoToggle",
        "Video Sensing",
        "translate_getTranslate",
        "Translate",
        "text2speech_whenSpoken",
        "Sprite1",
    ] {
        assert!(warnings.contains(needle), "{needle} in {warnings}");
    }
    let zh: Vec<&str> = loaded
        .diagnostics
        .iter()
        .map(|d| d.message.zh.as_str())
        .collect();
    assert!(
        zh.iter()
            .any(|m| m.contains("视频侦测") && m.contains("Sprite1")),
        "{zh:?}"
    );
    assert_eq!(
        loaded.diagnostics.len(),
        3,
        "one warning per block kind: {warnings}"
    );
    assert_eq!(loaded.diagnostics[0].loc, SourceLoc::Block("video".into()));

    let project = loaded.project.expect("project");
    let scripts = &sprite(&project).scripts;
    // The flag script keeps `say` with an empty slot; the unknown hat's body stays as a
    // stack that never runs.
    assert_eq!(scripts.len(), 2);
    assert_eq!(scripts[0].body.len(), 1);
    assert_eq!(scripts[0].body[0].args, [Arg::Empty]);
    assert!(scripts[1].hat.is_none());
    let (program, diags) = codegen::generate(&project);
    assert!(diags.is_empty(), "{}", plain(&diags));
    assert_eq!(program.scripts.len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Broken files
// ---------------------------------------------------------------------------------------------

/// Asserts an error diagnostic whose English text contains `needle`, and no project.
fn assert_fails(loaded: &Loaded, needle: &str) {
    let errs = errors(loaded);
    assert!(
        loaded.project.is_none(),
        "expected no project; got diagnostics {errs:?}"
    );
    assert!(
        errs.iter().any(|e| e.contains(needle)),
        "expected an error with {needle:?}, got {errs:?}"
    );
}

#[test]
fn random_bytes_are_not_a_project() {
    let mut seed = 0x2545_f491_u64;
    for len in [0usize, 1, 3, 100, 4096] {
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed as u8
            })
            .collect();
        assert_fails(&load(&bytes), "not a Scratch 3 project");
    }
}

#[test]
fn truncated_and_damaged_archives_never_panic() {
    let good = fixture("conformance/procedures-number-number-boolean.sb3");
    for cut in (0..good.len()).step_by(997) {
        let loaded = load(&good[..cut]);
        assert!(loaded.has_errors(), "cut at {cut}");
    }
    let mut flipped = good.clone();
    for i in (0..flipped.len()).step_by(61) {
        flipped[i] ^= 0x5a;
        let _ = load(&flipped);
    }
}

#[test]
fn a_zip_without_project_json() {
    let zip = zip_of(&[
        ("readme.txt", b"hello"),
        ("deep/folder/project.json", b"{}"),
    ]);
    assert_fails(&load(&zip), "no project.json");
}

#[test]
fn project_json_in_one_folder_is_found() {
    let json = project_with(json!({}), json!({}), json!({}));
    let zip = zip_of(&[
        ("My Project/project.json", json.as_bytes()),
        ("My Project/x.svg", b"<svg/>"),
    ]);
    let loaded = load(&zip);
    assert!(!loaded.has_errors(), "{}", plain(&loaded.diagnostics));
    assert!(loaded.assets.get("x.svg").is_some());
}

#[test]
fn invalid_json() {
    let zip = zip_of(&[("project.json", b"{\"targets\": [")]);
    assert_fails(&load(&zip), "project.json inside this file is broken");
    assert_fails(&load_project_json("not json"), "broken");
    let zip = zip_of(&[("project.json", b"\xff\xfe{}")]);
    assert_fails(&load(&zip), "not text");
}

#[test]
fn wrong_shapes() {
    for (json, needle) in [
        (r#"{"targets": "Stage"}"#, "`targets` should be a list"),
        (r#"{"targets": [1, 2]}"#, "target 1 is not an object"),
        (r#"[]"#, "not an object"),
        (r#"{"meta": {}}"#, "no `targets`"),
        (r#"{"targets": []}"#, "no stage"),
        (
            r#"{"targets": [{"isStage": false, "name": "S"}]}"#,
            "no stage",
        ),
        (
            r#"{"objName": "Stage", "children": []}"#,
            "Scratch 2 project",
        ),
    ] {
        let zip = zip_of(&[("project.json", json.as_bytes())]);
        assert_fails(&load(&zip), needle);
        assert_fails(&load_project_json(json), needle);
    }
    // Odd but tolerable shapes load: wrong types read as absent.
    let json = r#"{"targets": [{"isStage": true, "name": 5, "variables": [], "blocks": null,
        "costumes": {"a": 1}, "sounds": [7, {"name": "s"}], "volume": "loud", "x": null}]}"#;
    let loaded = load_project_json(json);
    assert!(!loaded.has_errors(), "{}", plain(&loaded.diagnostics));
    let project = loaded.project.expect("project");
    assert_eq!(project.targets[0].def.sounds.len(), 1);
}

#[test]
fn deeply_nested_json_is_an_error_not_a_crash() {
    let deep = format!(
        "{{\"targets\": {}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert_fails(&load_project_json(&deep), "broken");
}

#[test]
fn an_entry_declaring_a_gigabyte_is_refused() {
    let json = project_with(json!({}), json!({}), json!({}));
    for victim in ["project.json", "asset"] {
        let mut zip = if victim == "project.json" {
            zip_of(&[("project.json", json.as_bytes())])
        } else {
            zip_of(&[("project.json", json.as_bytes()), ("0123.png", b"png")])
        };
        if victim == "project.json" {
            patch_declared_size(&mut zip, 1 << 30);
        } else {
            // Patch only the asset's headers: they come after project.json's.
            let at = zip
                .windows(8)
                .position(|w| w == b"0123.png")
                .expect("asset header");
            let start = zip[..at]
                .windows(4)
                .rposition(|w| w == b"PK\x03\x04")
                .expect("local header");
            patch_declared_size(&mut zip[start..], 1 << 30);
        }
        let loaded = load(&zip);
        let errs = errors(&loaded);
        assert!(loaded.project.is_none(), "{victim}: {errs:?}");
        assert!(
            errs.iter().any(|e| e.contains("too big")),
            "{victim}: {errs:?}"
        );
    }
}

#[test]
fn a_deflate_bomb_stops_at_the_limit() {
    // Small limits so the test is quick; the code path is the same as with the real ones.
    let limits = Limits {
        unpacked: 1 << 20,
        json: 256 << 10,
        ..Limits::DEFAULT
    };
    let zeros = vec![0u8; 4 << 20];
    let json = project_with(json!({}), json!({}), json!({}));

    // Honest sizes: refused before unpacking.
    let zip = zip_of(&[("project.json", json.as_bytes()), ("bomb.wav", &zeros)]);
    assert!(
        zip.len() < 64 << 10,
        "the bomb compresses well ({} bytes)",
        zip.len()
    );
    let loaded = load_with_limits(&zip, limits);
    assert!(loaded.project.is_none());
    assert!(
        errors(&loaded).iter().any(|e| e.contains("zip bomb")),
        "{:?}",
        errors(&loaded)
    );

    // Lying sizes (the headers claim 100 bytes): unpacking stops at the limit.
    let mut zip = zip_of(&[("project.json", json.as_bytes()), ("bomb.wav", &zeros)]);
    let at = zip
        .windows(8)
        .position(|w| w == b"bomb.wav")
        .expect("header");
    let start = zip[..at]
        .windows(4)
        .rposition(|w| w == b"PK\x03\x04")
        .expect("local header");
    patch_declared_size(&mut zip[start..], 100);
    let loaded = load_with_limits(&zip, limits);
    assert!(loaded.project.is_none());
    assert!(
        errors(&loaded).iter().any(|e| e.contains("zip bomb")),
        "{:?}",
        errors(&loaded)
    );

    // A project.json bomb.
    let mut big = json.clone().into_bytes();
    big.extend(vec![b' '; 1 << 20]);
    let mut zip = zip_of(&[("project.json", &big)]);
    patch_declared_size(&mut zip, 100);
    let loaded = load_with_limits(&zip, limits);
    assert!(loaded.project.is_none());
    assert!(
        errors(&loaded).iter().any(|e| e.contains("too big")),
        "{:?}",
        errors(&loaded)
    );

    // A file bigger than 50 MB is refused without looking inside.
    let huge = vec![b'P'; (50 << 20) + 1];
    assert_fails(&load(&huge), "too big to open");
}

#[test]
fn blocks_linked_in_a_loop_are_an_error() {
    // next: a → b → a.
    let blocks = json!({
        "a": {"opcode": "event_whenflagclicked", "next": "b", "parent": null, "inputs": {},
              "fields": {}, "shadow": false, "topLevel": true},
        "b": {"opcode": "motion_movesteps", "next": "c", "parent": "a",
              "inputs": {"STEPS": [1, [4, "10"]]}, "fields": {}, "shadow": false, "topLevel": false},
        "c": {"opcode": "motion_turnright", "next": "b", "parent": "b",
              "inputs": {"DEGREES": [1, [4, "15"]]}, "fields": {}, "shadow": false, "topLevel": false},
        // An input that contains itself, and a substack that contains its own block.
        "x": {"opcode": "operator_add", "next": null, "parent": null,
              "inputs": {"NUM1": [3, "x", [4, "1"]]}, "fields": {}, "shadow": false, "topLevel": true},
        "f": {"opcode": "control_forever", "next": null, "parent": null,
              "inputs": {"SUBSTACK": [2, "f"]}, "fields": {}, "shadow": false, "topLevel": true}
    });
    let loaded = load_project_json(&project_with(json!({}), json!({}), blocks));
    let errs = errors(&loaded);
    assert_eq!(
        errs.iter().filter(|e| e.contains("loop")).count(),
        3,
        "{errs:?}"
    );
    assert!(errs[0].contains("block b"), "{errs:?}");
    // The rest of the project is still there.
    let project = loaded.project.expect("project");
    assert_eq!(sprite(&project).scripts[0].body.len(), 2);
}

#[test]
fn sharing_one_block_between_many_inputs_cannot_explode() {
    // Each level's two inputs point at the same block below: 2^60 paths, 61 blocks.
    let mut blocks = serde_json::Map::new();
    for i in 0..60 {
        blocks.insert(
            format!("n{i}"),
            json!({"opcode": "operator_add", "next": null, "parent": null,
                   "inputs": {"NUM1": [3, format!("n{}", i + 1), [4, ""]],
                              "NUM2": [3, format!("n{}", i + 1), [4, ""]]},
                   "fields": {}, "shadow": false, "topLevel": i == 0}),
        );
    }
    blocks.insert(
        "n60".into(),
        json!({"opcode": "motion_xposition", "next": null,
        "parent": null, "inputs": {}, "fields": {}, "shadow": false, "topLevel": false}),
    );
    let loaded = load_project_json(&project_with(json!({}), json!({}), Value::Object(blocks)));
    assert!(
        errors(&loaded).iter().any(|e| e.contains("tangled")),
        "{:?}",
        errors(&loaded)
    );
}

/// `not` blocks nested `depth` deep inside an `if`.
fn nested_nots(depth: usize) -> String {
    let mut blocks = serde_json::Map::new();
    blocks.insert(
        "hat".into(),
        json!({"opcode": "event_whenflagclicked", "next": "if",
        "parent": null, "inputs": {}, "fields": {}, "shadow": false, "topLevel": true}),
    );
    blocks.insert(
        "if".into(),
        json!({"opcode": "control_if", "next": null, "parent": "hat",
        "inputs": {"CONDITION": [2, "n0"]}, "fields": {}, "shadow": false, "topLevel": false}),
    );
    for i in 0..depth {
        let inputs = if i + 1 < depth {
            json!({"OPERAND": [2, format!("n{}", i + 1)]})
        } else {
            json!({})
        };
        blocks.insert(
            format!("n{i}"),
            json!({"opcode": "operator_not", "next": null,
            "parent": null, "inputs": inputs, "fields": {}, "shadow": false, "topLevel": false}),
        );
    }
    project_with(json!({}), json!({}), Value::Object(blocks))
}

#[test]
fn nesting_is_limited_without_overflowing_the_stack() {
    // Within the limit: loads and compiles on a test thread's ordinary stack.
    let loaded = load_project_json(&nested_nots(super::MAX_DEPTH - 10));
    assert!(!loaded.has_errors(), "{}", plain(&loaded.diagnostics));
    let project = loaded.project.expect("project");
    let (_, diags) = codegen::generate(&project);
    assert!(diags.is_empty());
    let _ = save(&project, &Default::default());

    let loaded = load_project_json(&nested_nots(2_000));
    assert!(
        errors(&loaded).iter().any(|e| e.contains("too deep")),
        "{:?}",
        errors(&loaded)
    );
}

// ---------------------------------------------------------------------------------------------
// Saving
// ---------------------------------------------------------------------------------------------

/// Scratch's project.json schema, with the definitions file registered under its id.
fn schema_validator() -> jsonschema::Validator {
    let read = |name: &str| -> Value {
        let text =
            std::fs::read_to_string(fixtures_dir().join("schema").join(name)).expect("schema file");
        serde_json::from_str(&text).expect("schema json")
    };
    let definitions = read("sb3_definitions.json");
    let schema = read("sb3_schema.json");
    let registry = jsonschema::Registry::new()
        .add(
            "https://scratch.mit.edu/sb3_definitions.json",
            jsonschema::Draft::Draft4.create_resource(definitions),
        )
        .expect("add definitions")
        .prepare()
        .expect("registry");
    // Draft 4 names a schema with `id`, so the `$id` these files carry is not used: give the
    // base the relative `$ref`s resolve against explicitly.
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .with_base_uri("https://scratch.mit.edu/sb3_schema.json")
        .with_registry(&registry)
        .build(&schema)
        .expect("schema builds")
}

fn schema_errors(validator: &jsonschema::Validator, json: &str) -> Vec<String> {
    let instance: Value = serde_json::from_str(json).expect("saved json parses");
    validator
        .iter_errors(&instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn the_schema_check_catches_what_scratch_rejects() {
    let validator = schema_validator();
    let bad = json!({
        "meta": {"semver": "3.0.0"},
        "targets": [{"isStage": true, "name": "Stage", "variables": {}, "blocks": {},
                     "costumes": [], "sounds": [], "layerOrder": 1}]
    });
    let errs = schema_errors(&validator, &bad.to_string());
    assert!(
        errs.len() >= 2,
        "no costume and a wrong layerOrder: {errs:?}"
    );
}

#[test]
fn load_save_load_gives_the_same_program_and_meets_the_schema() {
    let validator = schema_validator();
    let mut failures = Vec::new();
    for (name, bytes) in fixtures() {
        let (first, loaded) = load_ok(&bytes);
        let saved = save(&first, &loaded.assets);
        let json = save_project_json(&first, &loaded.assets);
        for e in schema_errors(&validator, &json) {
            failures.push(format!("{name}: schema: {e}"));
        }
        let again = load(&saved);
        if again.has_errors() {
            failures.push(format!("{name}: reload: {}", plain(&again.diagnostics)));
            continue;
        }
        let Some(second) = again.project else {
            continue;
        };
        let mut expected = normalized(&first);
        if name.ends_with("hello_nocostume.sb3") {
            // The saver gives each target the blank costume Scratch requires.
            for (t, target) in second.targets.iter().enumerate() {
                assert_eq!(target.def.costumes.len(), 1, "{name}");
                expected.targets[t].def.costumes = target.def.costumes.clone();
            }
        }
        if normalized(&second) != expected {
            failures.push(format!("{name}: the reloaded project differs"));
        }
        // Every asset of the original project is in the saved archive.
        for (file, data) in &loaded.assets.files {
            if again.assets.get(file) != Some(data.as_slice()) {
                failures.push(format!("{name}: asset {file} was not saved"));
            }
        }
        // Saving again gives the same bytes: ids and positions are deterministic.
        if save(&second, &again.assets) != save(&second, &again.assets) {
            failures.push(format!("{name}: saving is not deterministic"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_saved_file_keeps_ids_and_writes_compressed_inputs() {
    let (project, loaded) = load_ok(&fixture("bench/fib.sb3"));
    let json: Value =
        serde_json::from_str(&save_project_json(&project, &loaded.assets)).expect("json");
    let stage = &json["targets"][0];
    assert_eq!(stage["layerOrder"], 0);
    assert_eq!(stage["variables"]["var-a"], json!(["a", 0]));
    assert_eq!(stage["lists"]["list-stack"], json!(["stack", []]));
    assert_eq!(json["meta"]["semver"], "3.0.0");
    let blocks = json["targets"][1]["blocks"].as_object().expect("blocks");
    // Original block ids are kept; the subtract block has an obscured shadow.
    let b6 = &blocks["b6"];
    assert_eq!(b6["opcode"], "operator_subtract");
    assert_eq!(b6["inputs"]["NUM2"], json!([1, [4, "1"]]));
    assert_eq!(b6["inputs"]["NUM1"][0], 3);
    let protos: Vec<&Value> = blocks
        .values()
        .filter(|b| b["opcode"] == "procedures_prototype")
        .collect();
    assert_eq!(protos.len(), 1);
    let mutation = &protos[0]["mutation"];
    assert_eq!(mutation["argumentnames"], "[\"n\"]");
    assert_eq!(mutation["argumentdefaults"], "[\"\"]");
    assert!(mutation["warp"] == "true" || mutation["warp"] == "false");
}

#[test]
fn saving_a_project_without_costumes_adds_a_blank_one() {
    let (project, loaded) = load_ok(&fixture("bench/hello_nocostume.sb3"));
    let saved = save(&project, &loaded.assets);
    let again = load(&saved);
    assert!(
        again.diagnostics.is_empty(),
        "{}",
        plain(&again.diagnostics)
    );
    let project = again.project.expect("project");
    for t in &project.targets {
        let file = t.def.costumes[0].file.as_deref().expect("file");
        let svg = again.assets.get(file).expect("blank costume saved");
        assert!(svg.starts_with(b"<svg"));
        assert_eq!(file, format!("{}.svg", super::md5::hex_digest(svg)));
    }
}

#[test]
fn broadcasts_and_menus_survive_a_round_trip() {
    let (project, loaded) = load_ok(&fixture(
        "conformance/events-broadcast-and-wait-yields-a-tick.sb3",
    ));
    let json: Value =
        serde_json::from_str(&save_project_json(&project, &loaded.assets)).expect("json");
    let broadcasts = json["targets"][0]["broadcasts"]
        .as_object()
        .expect("broadcasts");
    assert!(!broadcasts.is_empty());
    let again = load(&save(&project, &loaded.assets));
    assert_eq!(
        normalized(&again.project.expect("project")),
        normalized(&project)
    );
}

#[test]
fn asset_names_that_are_not_plain_file_names_are_skipped() {
    let json = project_with(json!({}), json!({}), json!({}));
    let zip = zip_of(&[
        ("project.json", json.as_bytes()),
        ("..\\evil.svg", b"x"),
        ("c:evil.svg", b"x"),
        ("ok.svg", b"<svg/>"),
    ]);
    let loaded = load(&zip);
    assert!(!loaded.has_errors(), "{}", plain(&loaded.diagnostics));
    let mut names: Vec<&String> = loaded.assets.files.keys().collect();
    names.sort();
    assert_eq!(names, ["ok.svg"]);
}

/// A project as the text front end makes it: no ids, assets named by the writer.
fn hand_made_project() -> (ir::Project, super::Sb3Assets) {
    use crate::catalog::block;
    use starling_runtime::program::{CostumeDef, SoundDef, TargetDef, VarDef};
    let b = |opcode: &str, args: Vec<Arg>, substacks: Vec<Vec<Block>>, call: Option<u32>| Block {
        spec: block(opcode).expect("opcode"),
        args,
        substacks,
        call,
        loc: SourceLoc::None,
    };
    let lit = |s: &str| Arg::Literal(s.to_string());
    let mut stage = TargetDef::new("Stage", true);
    stage.variables.push(VarDef {
        name: "score".into(),
        id: None,
        initial: starling_runtime::Value::Num(1.5),
    });
    let mut sprite = TargetDef::new("Cat", false);
    sprite.costumes.push(CostumeDef {
        name: "cat".into(),
        file: Some("cat.svg".into()),
        rotation_center: Some((48.0, 50.0)),
        bitmap_resolution: 1.0,
        size: None,
    });
    sprite.sounds.push(SoundDef {
        name: "meow".into(),
        file: Some("meow.wav".into()),
        seconds: Some(0.5),
        rate_and_samples: Some((48_000, 24_000)),
    });
    sprite.variables.push(VarDef {
        name: "mine".into(),
        id: None,
        initial: starling_runtime::Value::from("x"),
    });
    let score = ir::VarRef {
        name: "score".into(),
        slot: 0,
    };
    let mine = ir::VarRef {
        name: "mine".into(),
        slot: LOCAL,
    };
    let param = |name: &str, boolean: bool, index: Option<u32>| {
        Arg::Expr(Box::new(Expr::Param {
            name: name.into(),
            boolean,
            index,
        }))
    };
    let proc = ir::Procedure {
        proccode: "jump %s if %b".into(),
        params: vec![
            ir::Param {
                name: "height".into(),
                boolean: false,
            },
            ir::Param {
                name: "ok".into(),
                boolean: true,
            },
        ],
        warp: true,
        body: vec![b(
            "control_if",
            vec![param("ok", true, Some(1))],
            vec![vec![b(
                "motion_changeyby",
                vec![param("height", false, Some(0))],
                vec![],
                None,
            )]],
            None,
        )],
        loc: SourceLoc::None,
    };
    let join = Arg::Expr(Box::new(Expr::Block(b(
        "operator_join",
        vec![lit("a"), Arg::Expr(Box::new(Expr::Var(score.clone())))],
        vec![],
        None,
    ))));
    let scripts = vec![
        ir::Script {
            hat: Some(b("event_whenflagclicked", vec![], vec![], None)),
            body: vec![
                b(
                    "data_setvariableto",
                    vec![Arg::Var(mine.clone()), join],
                    vec![],
                    None,
                ),
                b("motion_goto", vec![lit("_random_")], vec![], None),
                b("pen_setPenColorToColor", vec![lit("#ff00AA")], vec![], None),
                b(
                    "looks_seteffectto",
                    vec![lit("GHOST"), lit("50")],
                    vec![],
                    None,
                ),
                b("event_broadcast", vec![lit("go")], vec![], None),
            ],
            loc: SourceLoc::None,
        },
        ir::Script {
            hat: Some(b(
                "event_whenbroadcastreceived",
                vec![lit("go")],
                vec![],
                None,
            )),
            body: vec![
                b(
                    "procedures_call",
                    vec![lit("10"), Arg::Empty],
                    vec![],
                    Some(0),
                ),
                b(
                    "music_playNoteForBeats",
                    vec![lit("62"), lit("0.5")],
                    vec![],
                    None,
                ),
                b(
                    "control_stop",
                    vec![lit("other scripts in sprite")],
                    vec![],
                    None,
                ),
            ],
            loc: SourceLoc::None,
        },
    ];
    let monitors = vec![
        ir::MonitorDef {
            target: 0,
            index: 0,
            is_list: false,
            mode: ir::MonitorMode::Slider {
                min: -1.0,
                max: 1.0,
                discrete: false,
            },
            x: Some(5.0),
            y: Some(30.5),
            width: 0.0,
            height: 0.0,
            visible: true,
        },
        ir::MonitorDef {
            target: 1,
            index: 0,
            is_list: false,
            mode: ir::MonitorMode::Large,
            x: None,
            y: None,
            width: 0.0,
            height: 0.0,
            visible: false,
        },
    ];
    let project = ir::Project {
        targets: vec![
            ir::Target {
                def: stage,
                scripts: vec![],
                procedures: vec![],
            },
            ir::Target {
                def: sprite,
                scripts,
                procedures: vec![proc],
            },
        ],
        monitors,
    };
    let mut assets = super::Sb3Assets::default();
    assets.insert(
        "cat.svg",
        b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>".to_vec(),
    );
    assets.insert("meow.wav", b"RIFF....WAVE".to_vec());
    (project, assets)
}

#[test]
fn a_project_without_ids_saves_and_loads_back() {
    let (project, assets) = hand_made_project();
    let (_, diags) = codegen::generate(&project);
    assert!(diags.is_empty(), "{}", plain(&diags));

    let json = save_project_json(&project, &assets);
    let errs = schema_errors(&schema_validator(), &json);
    assert!(errs.is_empty(), "{errs:?}");
    let loaded = load(&save(&project, &assets));
    assert!(
        loaded.diagnostics.is_empty(),
        "{}",
        plain(&loaded.diagnostics)
    );

    // Asset files are renamed by the MD5 of their bytes, as Scratch names them; everything
    // else is the same program.
    let cat = format!(
        "{}.svg",
        super::md5::hex_digest(assets.get("cat.svg").expect("cat"))
    );
    let meow = format!(
        "{}.wav",
        super::md5::hex_digest(assets.get("meow.wav").expect("meow"))
    );
    let mut expected = normalized(&project);
    expected.targets[1].def.costumes[0].file = Some(cat.clone());
    expected.targets[1].def.sounds[0].file = Some(meow.clone());
    // The stage had no backdrop: it gets the blank one Scratch requires.
    let again = loaded.project.as_ref().expect("project");
    assert_eq!(again.targets[0].def.costumes.len(), 1);
    assert_eq!(again.targets[0].def.costumes[0].name, "backdrop1");
    expected.targets[0].def.costumes = again.targets[0].def.costumes.clone();
    assert_eq!(normalized(again), expected);
    assert_eq!(loaded.assets.get(&cat), assets.get("cat.svg"));
    assert_eq!(loaded.assets.get(&meow), assets.get("meow.wav"));

    let json: Value = serde_json::from_str(&json).expect("json");
    let stage = &json["targets"][0];
    let (score_id, score) = stage["variables"]
        .as_object()
        .expect("vars")
        .iter()
        .next()
        .expect("var");
    assert!(!score_id.is_empty());
    assert_eq!(score, &json!(["score", 1.5]));
    let go_id = stage["broadcasts"]
        .as_object()
        .expect("broadcasts")
        .iter()
        .find(|(_, name)| *name == "go")
        .expect("broadcast go")
        .0
        .clone();
    let blocks = json["targets"][1]["blocks"].as_object().expect("blocks");
    let find = |opcode: &str| {
        blocks
            .values()
            .find(|b| b["opcode"] == opcode)
            .expect(opcode)
            .clone()
    };
    assert_eq!(
        find("event_broadcast")["inputs"]["BROADCAST_INPUT"],
        json!([1, [11, "go", go_id]])
    );
    assert_eq!(
        find("event_whenbroadcastreceived")["fields"]["BROADCAST_OPTION"],
        json!(["go", go_id])
    );
    assert_eq!(
        find("pen_setPenColorToColor")["inputs"]["COLOR"],
        json!([1, [9, "#ff00AA"]])
    );
    assert_eq!(
        find("looks_seteffectto")["fields"]["EFFECT"],
        json!(["GHOST", null])
    );
    assert_eq!(find("control_stop")["mutation"]["hasnext"], "true");
    let note = find("music_playNoteForBeats")["inputs"]["NOTE"].clone();
    let note_shadow = &blocks[note[1].as_str().expect("shadow id")];
    assert_eq!(note_shadow["opcode"], "note");
    assert_eq!(note_shadow["fields"]["NOTE"], json!(["62", null]));
    let call = find("procedures_call");
    assert_eq!(
        call["inputs"].as_object().expect("inputs").len(),
        1,
        "the empty boolean is left out"
    );
    assert_eq!(call["mutation"]["proccode"], "jump %s if %b");
    assert_eq!(call["mutation"]["warp"], "true");
    let set = find("data_setvariableto");
    assert_eq!(set["fields"]["VARIABLE"][0], "mine");
    assert_eq!(set["inputs"]["VALUE"][0], 3);
    assert_eq!(json["extensions"], json!(["pen", "music"]));
    // Monitors in Scratch's form: the variable's id, `spriteName` for a sprite's own.
    let mine_id = json["targets"][1]["variables"]
        .as_object()
        .expect("vars")
        .keys()
        .next()
        .expect("mine")
        .clone();
    assert_eq!(
        json["monitors"],
        json!([
            {"id": score_id, "mode": "slider", "opcode": "data_variable",
             "params": {"VARIABLE": "score"}, "spriteName": null, "value": 0, "width": 0,
             "height": 0, "x": 5, "y": 30.5, "visible": true, "sliderMin": -1, "sliderMax": 1,
             "isDiscrete": false},
            {"id": mine_id, "mode": "large", "opcode": "data_variable",
             "params": {"VARIABLE": "mine"}, "spriteName": "Cat", "value": 0, "width": 0,
             "height": 0, "x": null, "y": null, "visible": false, "sliderMin": 0,
             "sliderMax": 100, "isDiscrete": true},
        ])
    );
}

// ---------------------------------------------------------------------------------------------
// Monitors
// ---------------------------------------------------------------------------------------------

/// The `monitors` array of an .sb3 file's project.json.
fn raw_monitors(bytes: &[u8]) -> Vec<Value> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
    let mut text = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("project.json").expect("json"), &mut text)
        .expect("read");
    let json: Value = serde_json::from_str(&text).expect("json");
    json["monitors"].as_array().cloned().unwrap_or_default()
}

#[test]
fn every_variable_and_list_monitor_of_the_fixtures_is_kept() {
    let mut failures = Vec::new();
    for (name, bytes) in fixtures() {
        let (project, loaded) = load_ok(&bytes);
        let raw = raw_monitors(&bytes);
        if project.monitors.len() != raw.len() {
            failures.push(format!(
                "{name}: {} of {} monitors",
                project.monitors.len(),
                raw.len()
            ));
        }
        if plain(&loaded.diagnostics).contains("monitor") {
            failures.push(format!("{name}: {}", plain(&loaded.diagnostics)));
        }
        for (m, r) in project.monitors.iter().zip(&raw) {
            let shown = project.monitor_name(m).expect("a monitor names a variable");
            let param = if m.is_list { "LIST" } else { "VARIABLE" };
            if r["params"][param] != shown || r["visible"] != m.visible {
                failures.push(format!("{name}: {m:?} is not {r}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_sprites_list_monitors_keep_their_place_and_size() {
    let (project, _) = load_ok(&fixture("conformance/data-operators-local.sb3"));
    let lists = &project.targets[1].def.lists;
    let shown: Vec<(&str, ir::MonitorDef)> = project
        .monitors
        .iter()
        .map(|m| (lists[m.index as usize].name.as_str(), m.clone()))
        .collect();
    let list = |index, width, height, y, visible| ir::MonitorDef {
        target: 1,
        index,
        is_list: true,
        mode: ir::MonitorMode::List,
        x: Some(4.0),
        y: Some(y),
        width,
        height,
        visible,
    };
    assert_eq!(
        shown,
        [
            ("local", list(0, 118.0, 218.0, 96.0, true)),
            ("answer", list(1, 114.0, 214.0, 97.0, false)),
        ]
    );
    // They reach the compiled program unchanged.
    let (program, diags) = codegen::generate(&project);
    assert!(diags.is_empty(), "{}", plain(&diags));
    assert_eq!(program.monitors, project.monitors);
}

/// A project.json with globals `score` (id g1) and `other` (g2), the list `things` (l1), a
/// sprite `Cat` with its own variable `lives` (c1) and list `bag` (c2), and `monitors`.
fn project_with_monitors(monitors: Value) -> String {
    let mut json: Value = serde_json::from_str(&project_with(
        json!({"g1": ["score", 0], "g2": ["other", 0]}),
        json!({"c1": ["lives", 3]}),
        json!({}),
    ))
    .expect("json");
    json["targets"][0]["lists"] = json!({"l1": ["things", []]});
    json["targets"][1]["name"] = json!("Cat");
    json["targets"][1]["lists"] = json!({"c2": ["bag", [1, 2]]});
    json["monitors"] = monitors;
    json.to_string()
}

#[test]
fn monitors_find_their_variable_by_id_then_by_name() {
    let var = |id: &str, name: &str, sprite: Value| {
        json!({"id": id, "mode": "default", "opcode": "data_variable",
               "params": {"VARIABLE": name}, "spriteName": sprite, "value": 0,
               "x": 10, "y": 20, "visible": true})
    };
    let json = project_with_monitors(json!([
        var("g2", "renamed", Value::Null),           // by id: `other`
        var("nope", "score", Value::Null),           // by name: `score`
        var("c1", "lives", json!("Cat")),            // the sprite's own
        var("g1", "score", json!("Cat")),            // a sprite's monitor of a global
        var("c1", "lives", json!("Cat")),            // the same one again: one is enough
        {"id": "c2", "mode": "list", "opcode": "data_listcontents", "params": {"LIST": "old"},
         "spriteName": "Cat", "width": 120, "height": -5, "x": 600, "y": -3, "visible": false},
        {"id": "l1", "mode": "large", "opcode": "data_listcontents", "params": {"LIST": "things"},
         "spriteName": null, "x": null},
        {"id": "g1", "mode": "slider", "opcode": "data_variable", "params": {"VARIABLE": "score"},
         "spriteName": "", "sliderMin": "-5", "sliderMax": 5.5, "isDiscrete": false,
         "x": "7", "y": true},
    ]));
    let loaded = load_project_json(&json);
    assert!(
        loaded.diagnostics.is_empty(),
        "{}",
        plain(&loaded.diagnostics)
    );
    let project = loaded.project.expect("project");
    let m = |target, index, is_list, mode, x, y| ir::MonitorDef {
        target,
        index,
        is_list,
        mode,
        x,
        y,
        width: 0.0,
        height: 0.0,
        visible: true,
    };
    use ir::MonitorMode::*;
    let at = (Some(10.0), Some(20.0));
    assert_eq!(
        project.monitors,
        [
            m(0, 1, false, Normal, at.0, at.1),
            m(0, 0, false, Normal, at.0, at.1),
            m(1, 0, false, Normal, at.0, at.1),
            // (`score` again, from the sprite: the same variable, so left out.)
            ir::MonitorDef {
                width: 120.0,
                visible: false,
                // Placed on the stage, as Scratch clamps it; a negative size is the default.
                ..m(1, 0, true, List, Some(480.0), Some(0.0))
            },
            // A list monitor is a list monitor whatever its mode says; no x means "place it".
            m(0, 0, true, List, None, None),
        ]
    );
    // The slider came after a duplicate of `score`, so it is not there either: one monitor per
    // variable, the first one wins, as the ids clash in Scratch.
    let json = project_with_monitors(json!([
        {"id": "g1", "mode": "slider", "opcode": "data_variable", "params": {"VARIABLE": "score"},
         "spriteName": "", "sliderMin": "-5", "sliderMax": 5.5, "isDiscrete": false,
         "x": "7", "y": true},
    ]));
    let project = load_project_json(&json).project.expect("project");
    assert_eq!(
        project.monitors,
        [m(
            0,
            0,
            false,
            Slider {
                min: -5.0,
                max: 5.5,
                discrete: false
            },
            Some(7.0),
            None
        )]
    );
}

#[test]
fn reporter_and_broken_monitors_are_left_out_with_a_warning() {
    let json = project_with_monitors(json!([
        {"id": "Cat_xposition", "mode": "default", "opcode": "motion_xposition", "params": {},
         "spriteName": "Cat", "x": 5, "y": 5, "visible": true},
        {"id": "timer", "mode": "large", "opcode": "sensing_timer", "params": {},
         "spriteName": null, "visible": true},
        // Hidden: nobody sees it go, so no word about it.
        {"id": "answer", "opcode": "sensing_answer", "visible": false},
        "not a monitor", 7, null, [],
        {"opcode": "data_variable", "params": {"VARIABLE": "nothing"}, "visible": true},
        {"id": "c1", "opcode": "data_variable", "params": {"VARIABLE": "lives"},
         "spriteName": "Dog"},
        {"id": "g1", "opcode": "data_variable", "params": "score", "x": {}, "width": []},
    ]));
    let loaded = load_project_json(&json);
    assert!(!loaded.has_errors(), "{}", plain(&loaded.diagnostics));
    let project = loaded.project.expect("project");
    // Only the last one: `score` by its id, with the broken fields as their defaults.
    assert_eq!(project.monitors.len(), 1);
    assert_eq!(project.monitors[0].index, 0);
    assert_eq!(project.monitors[0].x, None);
    let warnings = plain(&loaded.diagnostics);
    assert!(
        warnings.contains("\"motion_xposition\", \"sensing_timer\"")
            && !warnings.contains("sensing_answer"),
        "{warnings}"
    );
    assert!(
        warnings.contains("6 monitors of this project"),
        "{warnings}"
    );
    let zh: Vec<String> = loaded
        .diagnostics
        .iter()
        .map(|d| d.to_plain(Lang::ZhCn))
        .collect();
    assert!(zh.iter().all(|d| d.contains("监视器")), "{zh:?}");
}

#[test]
fn a_hostile_monitors_array_is_capped_and_never_panics() {
    // Far too many entries: read up to the limit, the rest skipped unread.
    let many: Vec<Value> = (0..100_000)
        .map(|i| {
            json!({"id": format!("m{i}"), "opcode": "data_variable",
                   "params": {"VARIABLE": "score"}, "visible": i % 2 == 0})
        })
        .collect();
    let loaded = load_project_json(&project_with_monitors(Value::Array(many)));
    let project = loaded.project.expect("project");
    assert_eq!(project.monitors.len(), 1, "one monitor per variable");
    assert!(
        plain(&loaded.diagnostics).contains(&format!(
            "{} monitors of this project",
            100_000 - super::raw::MAX_MONITORS
        )),
        "{}",
        plain(&loaded.diagnostics)
    );
    // Wrong shapes for the whole array or its fields.
    for monitors in [
        json!({}),
        json!("monitors"),
        json!(12),
        json!(null),
        json!(true),
        json!({"0": {"opcode": "data_variable"}}),
        json!([{"opcode": ["data_variable"], "params": [1], "spriteName": {"a": 1},
                "mode": 3, "sliderMin": "x", "isDiscrete": "yes", "visible": "no"}]),
        json!([{"opcode": "data_variable", "id": 5, "params": {"VARIABLE": ["score"]}}]),
        json!([{"opcode": "data_variable", "params": {"VARIABLE": "score"},
                "x": 1e308, "y": -1e308, "width": 1e308, "sliderMin": 1e308}]),
    ] {
        let loaded = load_project_json(&project_with_monitors(monitors.clone()));
        assert!(
            !loaded.has_errors(),
            "{monitors}: {}",
            plain(&loaded.diagnostics)
        );
        let project = loaded.project.expect("project");
        let (_, diags) = codegen::generate(&project);
        assert!(diags.is_empty(), "{monitors}: {}", plain(&diags));
        let json = save_project_json(&project, &super::Sb3Assets::default());
        let again = load_project_json(&json);
        assert_eq!(again.project.map(|p| p.monitors), Some(project.monitors));
    }
}

#[test]
fn monitors_survive_save_and_load() {
    let json = project_with_monitors(json!([
        {"id": "c2", "mode": "list", "opcode": "data_listcontents", "params": {"LIST": "bag"},
         "spriteName": "Cat", "width": 120, "height": 200, "x": 300, "y": 10, "visible": true},
        {"id": "g2", "mode": "slider", "opcode": "data_variable", "params": {"VARIABLE": "other"},
         "spriteName": null, "x": 5, "y": 5, "visible": true, "sliderMin": 0.5,
         "sliderMax": 2, "isDiscrete": false},
        {"id": "c1", "mode": "large", "opcode": "data_variable", "params": {"VARIABLE": "lives"},
         "spriteName": "Cat", "visible": false},
    ]));
    let first = load_project_json(&json).project.expect("project");
    assert_eq!(first.monitors.len(), 3);
    let saved = save(&first, &super::Sb3Assets::default());
    let again = load(&saved);
    assert!(
        again.diagnostics.is_empty(),
        "{}",
        plain(&again.diagnostics)
    );
    let second = again.project.expect("project");
    assert_eq!(second.monitors, first.monitors);
    // The ids of the file are kept, so Scratch links each monitor to its variable.
    let raw = raw_monitors(&saved);
    let ids: Vec<&str> = raw.iter().map(|m| m["id"].as_str().unwrap_or("")).collect();
    assert_eq!(ids, ["c2", "g2", "c1"]);
    assert_eq!(raw[0]["spriteName"], "Cat");
    assert_eq!(raw[0]["value"], json!([]));
    assert!(raw[0].get("sliderMin").is_none(), "lists have no slider");
    // A sprite Scratch's schema would reject by name is renamed, and so is its monitors' owner.
    let mut renamed = first.clone();
    renamed.targets[1].def.name = "_stage_".into();
    let raw = raw_monitors(&save(&renamed, &super::Sb3Assets::default()));
    assert_eq!(raw[0]["spriteName"], "_stage_2");
    let back = load(&save(&renamed, &super::Sb3Assets::default()));
    assert_eq!(back.project.expect("project").monitors, first.monitors);
}
