//! The block catalog as JSON, for the block editor.
//!
//! The web playground's editor (Blockly) builds its block definitions, toolbox, dropdowns and
//! translations from this, so that no block is defined a second time in JavaScript. The same text
//! is committed as `playground/web/src/editor/catalog.json` (for the editor's standalone page and
//! tests); a test below fails when that copy is stale (`STARLING_BLESS=1` rewrites it).
//!
//! ## Shape of the JSON
//!
//! ```text
//! { "version": 1,
//!   "categories": [{ "id": "motion", "en": "Motion", "zh": "运动",
//!                    "colour": "#4C97FF", "secondary": "#4280D7", "tertiary": "#3373CC" }, …],
//!   "blocks": [{ "opcode": "motion_movesteps", "category": "motion", "shape": "stack",
//!                "substacks": 0, "status": "palette", "shadow": false,
//!                "en": "move %1 steps", "zh": "移动 %1 步",
//!                "args": [{ "name": "STEPS", "kind": "number", "input": true, "default": "10",
//!                           "menu": null, "shadow": "math_number", "shadow_field": "NUM" }] }, …],
//!   "menus": [{ "id": "goto", "dynamic": "sprites",
//!               "options": [{ "value": "_random_", "en": "random position", "zh": "随机位置" }, …] }, …] }
//! ```
//!
//! - `categories` are in Scratch's palette order with scratch-blocks' colours
//!   (`core/colours.js`; the music extension takes scratch-gui's extension colour, as pen does).
//! - `blocks` are in catalog order, which is Scratch's palette order within each category.
//!   `shape` is `hat`, `stack`, `c`, `cap`, `reporter` or `boolean`; `status` is `palette`,
//!   `hidden` or `noop`; `shadow` marks the value blocks that sit in inputs (`math_number`,
//!   `motion_goto_menu`, …).
//! - Each argument's `kind` is one of `number`, `positive_number`, `whole_number`, `integer`,
//!   `angle`, `text`, `color`, `boolean`, `menu_input`, `broadcast_input` (inputs: `input` is
//!   true) or `field`, `variable`, `list`, `broadcast` (fields). `shadow` and `shadow_field` name
//!   the shadow block .sb3 puts in an input and the field holding its value (`null` for boolean
//!   inputs and fields). `variable`, `list` and `broadcast` slots take their choices from the
//!   project.
//! - A menu's `dynamic` says which choices come from the project after its fixed `options`:
//!   `sprites`, `sprites_and_stage`, `costumes`, `backdrops`, `sounds`, `object_attributes`, or
//!   `null`.

use serde_json::{json, Value};

use super::{
    block, BlockSpec, Category, DynamicMenu, MenuSpec, Shape, SlotKind, Status, BLOCKS, MENUS,
};

/// Bumped when the JSON changes shape, so a host can tell an old copy from a new one.
const VERSION: u32 = 1;

/// The categories in Scratch's palette order: id, English and Chinese names (scratch-l10n's
/// zh-cn), and the primary, secondary and tertiary colours of scratch-blocks' `colours.js`.
// One category per line reads better than what rustfmt would make of these tuples.
#[rustfmt::skip]
const CATEGORIES: &[(Category, &str, &str, &str, [&str; 3])] = &[
    (Category::Motion, "motion", "Motion", "运动", ["#4C97FF", "#4280D7", "#3373CC"]),
    (Category::Looks, "looks", "Looks", "外观", ["#9966FF", "#855CD6", "#774DCB"]),
    (Category::Sound, "sound", "Sound", "声音", ["#CF63CF", "#C94FC9", "#BD42BD"]),
    (Category::Events, "events", "Events", "事件", ["#FFBF00", "#E6AC00", "#CC9900"]),
    (Category::Control, "control", "Control", "控制", ["#FFAB19", "#EC9C13", "#CF8B17"]),
    (Category::Sensing, "sensing", "Sensing", "侦测", ["#5CB1D6", "#47A8D1", "#2E8EB8"]),
    (Category::Operators, "operators", "Operators", "运算", ["#59C059", "#46B946", "#389438"]),
    (Category::Variables, "variables", "Variables", "变量", ["#FF8C1A", "#FF8000", "#DB6E00"]),
    (Category::Lists, "lists", "Lists", "列表", ["#FF661A", "#FF5500", "#E64D00"]),
    (Category::MyBlocks, "my_blocks", "My Blocks", "自制积木", ["#FF6680", "#FF4D6A", "#FF3355"]),
    (Category::Pen, "pen", "Pen", "画笔", ["#0FBD8C", "#0DA57A", "#0B8E69"]),
    (Category::Music, "music", "Music", "音乐", ["#0FBD8C", "#0DA57A", "#0B8E69"]),
];

/// The whole catalog as JSON text (compact). See the module documentation for its shape.
pub fn catalog_json() -> String {
    catalog_value().to_string()
}

/// The catalog as a JSON value.
pub fn catalog_value() -> Value {
    let categories: Vec<Value> = CATEGORIES
        .iter()
        .map(|(_, id, en, zh, [colour, secondary, tertiary])| {
            json!({
                "id": id, "en": en, "zh": zh,
                "colour": colour, "secondary": secondary, "tertiary": tertiary,
            })
        })
        .collect();
    let blocks: Vec<Value> = BLOCKS.iter().map(block_json).collect();
    let menus: Vec<Value> = MENUS.iter().map(menu_json).collect();
    json!({
        "version": VERSION,
        "categories": categories,
        "blocks": blocks,
        "menus": menus,
    })
}

fn category_id(category: Category) -> &'static str {
    CATEGORIES
        .iter()
        .find(|c| c.0 == category)
        .map(|c| c.1)
        .unwrap_or("")
}

fn block_json(b: &BlockSpec) -> Value {
    let shape = match b.shape {
        Shape::Hat => "hat",
        Shape::Stack => "stack",
        Shape::C => "c",
        Shape::Cap => "cap",
        Shape::Reporter => "reporter",
        Shape::Boolean => "boolean",
    };
    let status = match b.status {
        Status::Palette => "palette",
        Status::Hidden => "hidden",
        Status::NoOp => "noop",
    };
    let args: Vec<Value> = b.args.iter().map(|a| arg_json(b, a)).collect();
    json!({
        "opcode": b.opcode,
        "category": category_id(b.category),
        "shape": shape,
        "substacks": b.substacks,
        "status": status,
        "shadow": b.is_shadow(),
        "en": b.en,
        "zh": b.zh,
        "args": args,
    })
}

fn arg_json(b: &BlockSpec, a: &super::ArgSpec) -> Value {
    let (kind, menu) = match a.kind {
        SlotKind::Number => ("number", None),
        SlotKind::PositiveNumber => ("positive_number", None),
        SlotKind::WholeNumber => ("whole_number", None),
        SlotKind::Integer => ("integer", None),
        SlotKind::Angle => ("angle", None),
        SlotKind::Text => ("text", None),
        SlotKind::Color => ("color", None),
        SlotKind::Boolean => ("boolean", None),
        SlotKind::MenuInput { menu, .. } => ("menu_input", Some(menu.0)),
        SlotKind::BroadcastInput => ("broadcast_input", None),
        SlotKind::Field(menu) => ("field", Some(menu.0)),
        SlotKind::VariableField => ("variable", None),
        SlotKind::ListField => ("list", None),
        SlotKind::BroadcastField => ("broadcast", None),
    };
    let (shadow, shadow_field) = match shadow_of(b, a) {
        Some((opcode, field)) => (Value::from(opcode), Value::from(field)),
        None => (Value::Null, Value::Null),
    };
    json!({
        "name": a.name,
        "kind": kind,
        "input": a.kind.is_input(),
        "default": a.default,
        "menu": menu,
        "shadow": shadow,
        "shadow_field": shadow_field,
    })
}

/// The shadow block an input holds in .sb3 and the field of that shadow with the value.
///
/// Literal shadows take their field from the shadow's own catalog entry (`math_number` has
/// `NUM`, `text` has `TEXT`, …). The one exception is the piano picker of `play note`, which the
/// catalog keeps as a number slot but Scratch (and `sb3::save`) write as a `note` shadow.
fn shadow_of(b: &BlockSpec, a: &super::ArgSpec) -> Option<(&'static str, &'static str)> {
    if b.opcode == "music_playNoteForBeats" && a.name == "NOTE" {
        return Some(("note", "NOTE"));
    }
    match a.kind {
        SlotKind::MenuInput {
            shadow_opcode,
            shadow_field,
            ..
        } => Some((shadow_opcode, shadow_field)),
        SlotKind::BroadcastInput => Some(("event_broadcast_menu", "BROADCAST_OPTION")),
        kind => {
            let opcode = kind.shadow_opcode()?;
            let field = block(opcode)?.args.first()?.name;
            Some((opcode, field))
        }
    }
}

fn menu_json(m: &MenuSpec) -> Value {
    let dynamic = m.dynamic.map(|d| match d {
        DynamicMenu::Sprites => "sprites",
        DynamicMenu::SpritesAndStage => "sprites_and_stage",
        DynamicMenu::Costumes => "costumes",
        DynamicMenu::Backdrops => "backdrops",
        DynamicMenu::Sounds => "sounds",
        DynamicMenu::ObjectAttributes => "object_attributes",
    });
    let options: Vec<Value> = m
        .options
        .iter()
        .map(|o| json!({ "value": o.value, "en": o.en, "zh": o.zh }))
        .collect();
    json!({
        "id": m.id.0,
        "dynamic": dynamic,
        "options": options,
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    /// The copy the editor's standalone page and browser tests load.
    const COMMITTED: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../playground/web/src/editor/catalog.json"
    );

    fn parsed() -> Value {
        serde_json::from_str(&catalog_json()).expect("catalog_json is valid JSON")
    }

    #[test]
    fn covers_every_block_and_menu() {
        let v = parsed();
        let blocks = v["blocks"].as_array().expect("blocks");
        let opcodes: Vec<&str> = blocks
            .iter()
            .map(|b| b["opcode"].as_str().expect("opcode"))
            .collect();
        assert_eq!(opcodes.len(), BLOCKS.len());
        for spec in BLOCKS {
            assert!(opcodes.contains(&spec.opcode), "{} missing", spec.opcode);
        }
        let palette: Vec<&Value> = blocks
            .iter()
            .filter(|b| b["status"] == "palette" && b["shadow"] == false)
            .collect();
        let expected = BLOCKS
            .iter()
            .filter(|b| b.status == Status::Palette && !b.is_shadow())
            .count();
        assert_eq!(palette.len(), expected);
        assert!(palette.len() > 100, "only {} palette blocks", palette.len());

        let menus: HashSet<&str> = v["menus"]
            .as_array()
            .expect("menus")
            .iter()
            .map(|m| m["id"].as_str().expect("menu id"))
            .collect();
        let categories: HashSet<&str> = v["categories"]
            .as_array()
            .expect("categories")
            .iter()
            .map(|c| c["id"].as_str().expect("category id"))
            .collect();
        for b in blocks {
            assert!(categories.contains(b["category"].as_str().unwrap()), "{b}");
            for a in b["args"].as_array().unwrap() {
                if let Some(menu) = a["menu"].as_str() {
                    assert!(menus.contains(menu), "{} names menu {menu}", b["opcode"]);
                }
                // Every input but a boolean one has a shadow that is itself in the catalog.
                if a["input"] == true && a["kind"] != "boolean" {
                    let shadow = a["shadow"].as_str().expect("input with a shadow");
                    assert!(opcodes.contains(&shadow), "{shadow} is not a block");
                    let shadow_spec = block(shadow).unwrap();
                    assert!(shadow_spec.is_shadow(), "{shadow} is not a shadow");
                    let field = a["shadow_field"].as_str().unwrap();
                    // `procedures_prototype` keeps its value in a mutation, not a field.
                    if shadow != "procedures_prototype" {
                        assert!(
                            shadow_spec.args.iter().any(|x| x.name == field),
                            "{shadow} has no field {field}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn categories_in_scratch_order_with_scratch_colours() {
        let v = parsed();
        let ids: Vec<&str> = v["categories"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap())
            .collect();
        assert_eq!(
            ids,
            [
                "motion",
                "looks",
                "sound",
                "events",
                "control",
                "sensing",
                "operators",
                "variables",
                "lists",
                "my_blocks",
                "pen",
                "music"
            ]
        );
        assert_eq!(v["categories"][0]["colour"], "#4C97FF");
        assert_eq!(v["categories"][3]["colour"], "#FFBF00");
        assert_eq!(v["categories"][9]["zh"], "自制积木");
    }

    #[test]
    fn literal_shadows_name_their_fields() {
        let v = parsed();
        let find = |opcode: &str| {
            v["blocks"]
                .as_array()
                .unwrap()
                .iter()
                .find(|b| b["opcode"] == opcode)
                .cloned()
                .unwrap()
        };
        let move_steps = find("motion_movesteps");
        assert_eq!(move_steps["args"][0]["shadow"], "math_number");
        assert_eq!(move_steps["args"][0]["shadow_field"], "NUM");
        assert_eq!(move_steps["zh"], "移动 %1 步");
        let say = find("looks_say");
        assert_eq!(say["args"][0]["shadow"], "text");
        assert_eq!(say["args"][0]["shadow_field"], "TEXT");
        let note = find("music_playNoteForBeats");
        assert_eq!(note["args"][0]["shadow"], "note");
        let broadcast = find("event_broadcast");
        assert_eq!(broadcast["args"][0]["shadow"], "event_broadcast_menu");
        assert_eq!(broadcast["args"][0]["shadow_field"], "BROADCAST_OPTION");
        let goto = find("motion_goto");
        assert_eq!(goto["args"][0]["menu"], "goto");
        assert_eq!(goto["args"][0]["shadow_field"], "TO");
        let set = find("data_setvariableto");
        assert_eq!(set["args"][0]["kind"], "variable");
        assert_eq!(set["args"][0]["input"], false);
    }

    /// The committed copy for the editor must be what the catalog says now. Run with
    /// `STARLING_BLESS=1` to rewrite it after changing the catalog.
    #[test]
    fn committed_copy_is_current() {
        let actual = format!("{}\n", catalog_json());
        if std::env::var("STARLING_BLESS").is_ok_and(|v| v == "1") {
            std::fs::write(COMMITTED, &actual).expect("write catalog.json");
            return;
        }
        let committed = std::fs::read_to_string(COMMITTED).unwrap_or_default();
        assert!(
            committed == actual,
            "{COMMITTED} is stale: run `STARLING_BLESS=1 cargo test -p starling-compiler catalog` \
             (or `cargo run -p starling-compiler --example catalog_json > {COMMITTED}`)"
        );
    }
}
