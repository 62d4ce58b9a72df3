//! Checks of the block catalog against the design's opcode list and against itself.

use std::collections::{BTreeMap, BTreeSet};

use super::*;

/// The design's list of blocks; the catalog must contain every opcode it names.
const BLOCKS_MD: &str = include_str!("../../../docs/design/blocks.md");

/// The opcodes named in the "Opcodes" table of blocks.md, in order, and the number of executable
/// opcodes its heading announces.
fn table_opcodes() -> (usize, Vec<String>) {
    let mut lines = BLOCKS_MD
        .lines()
        .skip_while(|l| !l.starts_with("## Opcodes"));
    let heading = lines.next().expect("blocks.md has an `## Opcodes` section");
    let announced = heading
        .split(|c: char| !c.is_ascii_digit())
        .find(|s| !s.is_empty())
        .and_then(|s| s.parse().ok())
        .expect("the Opcodes heading gives the number of executable opcodes");

    let mut opcodes = Vec::new();
    for line in lines.take_while(|l| !l.starts_with("## ")) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // `| motion_ | movesteps, … |` splits into ["", "motion_", "movesteps, …", ""].
        if cells.len() < 4 || !cells[1].ends_with('_') {
            continue;
        }
        let prefix = cells[1];
        for segment in without_parentheses(cells[2]).split(';') {
            // "no-ops kept for loading: scroll_right, …", "legacy: …", "hidden but loadable: …"
            let names = segment.rsplit(':').next().unwrap_or("");
            for name in names.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                assert!(
                    name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                    "cannot read {name:?} in the {prefix} row of blocks.md"
                );
                // The argument reporters are listed under procedures_ but have their own prefix.
                if name.starts_with("argument_") {
                    opcodes.push(name.to_string());
                } else {
                    opcodes.push(format!("{prefix}{name}"));
                }
            }
        }
    }
    (announced, opcodes)
}

/// The opcodes of the "Shadow and menu opcodes" paragraph of blocks.md.
fn shadow_paragraph_opcodes() -> Vec<String> {
    let paragraph: Vec<&str> = BLOCKS_MD
        .lines()
        .skip_while(|l| !l.starts_with("Shadow and menu opcodes"))
        .take_while(|l| !l.trim().is_empty())
        .collect();
    let paragraph = paragraph.join(" ");
    let (_, list) = paragraph
        .split_once(':')
        .expect("the shadow paragraph lists opcodes after ':'");
    list.split(',')
        .map(|n| n.trim().trim_end_matches('.'))
        .filter(|n| !n.is_empty() && !n.starts_with("and the like"))
        .map(|n| {
            assert!(
                n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                "cannot read {n:?} in the shadow paragraph of blocks.md"
            );
            n.to_string()
        })
        .collect()
}

/// Removes `( … )` groups: the mathop functions and explanatory notes in the table.
fn without_parentheses(s: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

fn menu_ids(kind: SlotKind) -> Option<MenuId> {
    match kind {
        SlotKind::Field(id) | SlotKind::MenuInput { menu: id, .. } => Some(id),
        _ => None,
    }
}

#[test]
fn catalog_has_every_opcode_of_the_design() {
    let (_, table) = table_opcodes();
    let shadows = shadow_paragraph_opcodes();
    // Guards against the parsing above silently finding nothing.
    assert!(
        table.len() > 150,
        "read only {} opcodes from blocks.md",
        table.len()
    );
    assert!(
        shadows.len() > 20,
        "read only {} shadow opcodes from blocks.md",
        shadows.len()
    );

    let mut missing = Vec::new();
    for opcode in table.iter().chain(&shadows) {
        match block(opcode) {
            None => missing.push(opcode.as_str()),
            Some(spec) => {
                assert!(
                    !spec.en.trim().is_empty(),
                    "{opcode} has no English template"
                );
                assert!(
                    !spec.zh.trim().is_empty(),
                    "{opcode} has no Chinese template"
                );
            }
        }
    }
    assert!(missing.is_empty(), "not in the catalog: {missing:?}");

    for opcode in &shadows {
        assert!(
            block(opcode).unwrap().is_shadow(),
            "{opcode} is a shadow in blocks.md"
        );
    }
    for opcode in &table {
        assert!(
            !block(opcode).unwrap().is_shadow(),
            "{opcode} is executable in blocks.md"
        );
    }
}

#[test]
fn executable_blocks_are_exactly_the_designs() {
    let (announced, table) = table_opcodes();
    let table: BTreeSet<&str> = table.iter().map(String::as_str).collect();
    let executable: BTreeSet<&str> = BLOCKS
        .iter()
        .filter(|b| !b.is_shadow())
        .map(|b| b.opcode)
        .collect();

    let extra: Vec<_> = executable.difference(&table).collect();
    assert!(
        extra.is_empty(),
        "executable blocks not in blocks.md's table: {extra:?}"
    );
    assert_eq!(executable.len(), table.len());

    // The heading's count (167) is the size of scratch-vm's table of primitives and hats, which
    // also registers three sound menus as primitives that report their field. The table lists
    // the other 164.
    let vm_menu_primitives = [
        "sound_sounds_menu",
        "sound_beats_menu",
        "sound_effects_menu",
    ];
    for opcode in vm_menu_primitives {
        assert!(block(opcode).is_some_and(BlockSpec::is_shadow), "{opcode}");
    }
    assert!(executable.len() + vm_menu_primitives.len() >= announced);
    assert!(announced >= 167, "blocks.md announces {announced} opcodes");
}

#[test]
fn templates_use_each_argument_exactly_once() {
    for spec in BLOCKS {
        for (lang, template) in [("en", spec.en), ("zh", spec.zh)] {
            let mut slots = template_slots(template);
            slots.sort_unstable();
            let expected: Vec<usize> = (0..spec.args.len()).collect();
            assert_eq!(
                slots,
                expected,
                "{} {lang} template {template:?} does not use its {} args once each",
                spec.opcode,
                spec.args.len()
            );
        }
    }
}

#[test]
fn opcodes_menus_and_argument_names_are_unique() {
    let mut seen = BTreeSet::new();
    for spec in BLOCKS {
        assert!(
            seen.insert(spec.opcode),
            "{} is in the catalog twice",
            spec.opcode
        );
        let mut names = BTreeSet::new();
        for arg in spec.args {
            assert!(
                !arg.name.is_empty(),
                "{} has an unnamed argument",
                spec.opcode
            );
            assert!(
                names.insert(arg.name),
                "{} has two arguments {}",
                spec.opcode,
                arg.name
            );
        }
    }
    let mut menus = BTreeSet::new();
    for menu in MENUS {
        assert!(
            menus.insert(menu.id.0),
            "menu {} is defined twice",
            menu.id.0
        );
    }
    let shadows: BTreeSet<_> = SHADOW_OPCODES.iter().collect();
    assert_eq!(
        shadows.len(),
        SHADOW_OPCODES.len(),
        "SHADOW_OPCODES has duplicates"
    );
}

#[test]
fn menus_exist_are_used_and_are_labelled() {
    let mut used = BTreeSet::new();
    for spec in BLOCKS {
        for arg in spec.args {
            let Some(id) = menu_ids(arg.kind) else {
                continue;
            };
            used.insert(id.0);
            let m = menu(id).unwrap_or_else(|| {
                panic!("{}.{} uses missing menu {}", spec.opcode, arg.name, id.0)
            });
            // A default from a menu with only fixed options must be one of them.
            if m.dynamic.is_none() && !m.options.is_empty() {
                assert!(
                    m.options.iter().any(|o| o.value == arg.default),
                    "{}.{} defaults to {:?}, not an option of menu {}",
                    spec.opcode,
                    arg.name,
                    arg.default,
                    id.0
                );
            }
        }
    }
    for m in MENUS {
        assert!(
            used.contains(m.id.0),
            "menu {} is not used by any block",
            m.id.0
        );
        let mut values = BTreeSet::new();
        for o in m.options {
            assert!(
                !o.value.is_empty(),
                "menu {} has an option without value",
                m.id.0
            );
            assert!(
                !o.en.trim().is_empty(),
                "menu {} option {} has no English",
                m.id.0,
                o.value
            );
            assert!(
                !o.zh.trim().is_empty(),
                "menu {} option {} has no Chinese",
                m.id.0,
                o.value
            );
            assert!(
                values.insert(o.value),
                "menu {} has {} twice",
                m.id.0,
                o.value
            );
        }
    }
    // blocks.md: "18 drums, 21 instruments".
    assert_eq!(menu(MenuId("drum")).unwrap().options.len(), 18);
    assert_eq!(menu(MenuId("instrument")).unwrap().options.len(), 21);
    assert_eq!(menu(MenuId("key")).unwrap().options.len(), 6 + 26 + 10);
    assert_eq!(menu(MenuId("mathop")).unwrap().options.len(), 14);
}

#[test]
fn shadows_are_consistent() {
    for opcode in SHADOW_OPCODES {
        let spec = block(opcode).unwrap_or_else(|| panic!("shadow {opcode} is not in BLOCKS"));
        assert_eq!(spec.status, Status::Hidden, "{opcode}");
        assert_eq!(
            (spec.en, spec.zh, spec.args.len()),
            ("%1", "%1", 1),
            "{opcode}"
        );
    }
    // Every shadow a slot asks for is a known shadow block, and a menu input's shadow field is
    // that block's argument (except the prototype, which keeps its data in a mutation).
    for spec in BLOCKS.iter().filter(|b| !b.is_shadow()) {
        for arg in spec.args {
            let Some(opcode) = arg.kind.shadow_opcode() else {
                continue;
            };
            let shadow = block(opcode).filter(|s| s.is_shadow()).unwrap_or_else(|| {
                panic!("{}.{}: no shadow block {opcode}", spec.opcode, arg.name)
            });
            if let SlotKind::MenuInput {
                shadow_field,
                menu: id,
                ..
            } = arg.kind
            {
                if opcode != "procedures_prototype" {
                    assert_eq!(
                        shadow.args[0].name, shadow_field,
                        "{}.{}",
                        spec.opcode, arg.name
                    );
                    assert_eq!(
                        shadow.args[0].kind,
                        SlotKind::Field(id),
                        "{}.{}",
                        spec.opcode,
                        arg.name
                    );
                }
            }
        }
    }
}

#[test]
fn shapes_and_substacks_agree() {
    for spec in BLOCKS {
        match spec.shape {
            Shape::C => assert!(spec.substacks >= 1, "{} is a C block", spec.opcode),
            Shape::Cap => assert!(spec.substacks <= 1, "{}", spec.opcode),
            _ => assert_eq!(spec.substacks, 0, "{} has substacks", spec.opcode),
        }
    }
    assert_eq!(block("control_if_else").unwrap().substacks, 2);
    assert_eq!(block("control_forever").unwrap().substacks, 1);
    assert_eq!(block("motion_scroll_right").unwrap().status, Status::NoOp);
    assert_eq!(block("control_while").unwrap().status, Status::Hidden);
    assert_eq!(
        block("pen_setPenShadeToNumber").unwrap().status,
        Status::Hidden
    );
}

#[test]
fn blocks_render_in_scratchblocks_notation() {
    let cases = [
        ("motion_movesteps", "move (10) steps", "移动 (10) 步"),
        (
            "motion_turnright",
            "turn right (15) degrees",
            "右转 (15) 度",
        ),
        (
            "motion_goto",
            "go to (random position v)",
            "移到 (随机位置 v)",
        ),
        (
            "event_whenflagclicked",
            "when green flag clicked",
            "当绿旗被点击",
        ),
        (
            "event_whenkeypressed",
            "when [space v] key pressed",
            "当按下 [空格 v] 键",
        ),
        (
            "looks_sayforsecs",
            "say [Hello!] for (2) seconds",
            "说 [Hello!] (2) 秒",
        ),
        (
            "looks_seteffectto",
            "set [color v] effect to (0)",
            "将 [颜色 v] 特效设定为 (0)",
        ),
        ("control_repeat", "repeat (10)", "重复执行 (10) 次"),
        ("control_stop", "stop [all v]", "停止 [全部脚本 v]"),
        (
            "data_setvariableto",
            "set [my variable v] to [0]",
            "将 [my variable v] 设为 [0]",
        ),
        (
            "data_itemoflist",
            "item (1) of [my list v]",
            "[my list v] 的第 (1) 项",
        ),
        (
            "data_insertatlist",
            "insert [thing] at (1) of [my list v]",
            "在 [my list v] 的第 (1) 项前插入 [thing]",
        ),
        ("operator_add", "() + ()", "() + ()"),
        ("operator_mathop", "[abs v] of ()", "[绝对值 v] ()"),
        (
            "sensing_of",
            "[backdrop # v] of (Stage v)",
            "(舞台 v) 的 [背景编号 v]",
        ),
        (
            "sensing_keypressed",
            "key (space v) pressed?",
            "按下 (空格 v) 键?",
        ),
        (
            "pen_setPenColorParamTo",
            "set pen (color v) to (50)",
            "将笔的 (颜色 v) 设为(50)",
        ),
        (
            "music_playDrumForBeats",
            "play drum ((1) Snare Drum v) for (0.25) beats",
            "击打 ((1) 小军鼓 v) (0.25) 拍",
        ),
    ];
    for (opcode, en, zh) in cases {
        let spec = block(opcode).unwrap_or_else(|| panic!("{opcode} missing"));
        assert_eq!(spec.to_scratchblocks(Lang::En), en, "{opcode}");
        assert_eq!(spec.to_scratchblocks(Lang::ZhCn), zh, "{opcode}");
    }
}

/// Blocks that share a template; the parser tells them apart by what is in the slots (a list
/// name or text, a menu option, a colour or a number). A new collision fails this test so it
/// gets noticed.
#[test]
fn template_collisions_are_the_known_ones() {
    fn collisions(lang: Lang) -> Vec<(String, Vec<&'static str>)> {
        let mut by_text: BTreeMap<String, Vec<&'static str>> = BTreeMap::new();
        for spec in BLOCKS.iter().filter(|b| !b.is_shadow()) {
            let template = spec.template(lang);
            // `%1` blocks (variables, lists, custom blocks, arguments) are special-cased.
            if template == "%1" {
                continue;
            }
            let key = template
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase();
            by_text.entry(key).or_default().push(spec.opcode);
        }
        by_text
            .into_iter()
            .filter(|(_, ops)| ops.len() > 1)
            .collect()
    }
    let en: Vec<_> = collisions(Lang::En)
        .into_iter()
        .map(|(t, ops)| (t, ops.join(" ")))
        .collect();
    let expected_en = [
        ("%1 contains %2?", "operator_contains data_listcontainsitem"),
        ("%1 of %2", "sensing_of operator_mathop"),
        (
            "change %1 effect by %2",
            "looks_changeeffectby sound_changeeffectby",
        ),
        ("if %1 then", "control_if control_if_else"),
        ("length of %1", "operator_length data_lengthoflist"),
        (
            "play drum %1 for %2 beats",
            "music_playDrumForBeats music_midiPlayDrumForBeats",
        ),
        ("set %1 effect to %2", "looks_seteffectto sound_seteffectto"),
        (
            "set instrument to %1",
            "music_setInstrument music_midiSetInstrument",
        ),
        (
            "set pen color to %1",
            "pen_setPenColorToColor pen_setPenHueToNumber",
        ),
    ];
    let mut expected_en: Vec<_> = expected_en
        .iter()
        .map(|(t, ops)| (t.to_string(), ops.to_string()))
        .collect();
    expected_en.sort();
    assert_eq!(en, expected_en);

    let zh: Vec<_> = collisions(Lang::ZhCn)
        .into_iter()
        .map(|(t, ops)| (t, ops.join(" ")))
        .collect();
    let expected_zh = [
        ("%1 包含 %2 ?", "operator_contains data_listcontainsitem"),
        ("如果 %1 那么", "control_if control_if_else"),
        (
            "将乐器设为 %1",
            "music_setInstrument music_midiSetInstrument",
        ),
        (
            "将笔的颜色设为%1",
            "pen_setPenColorToColor pen_setPenHueToNumber",
        ),
        (
            "击打 %1 %2 拍",
            "music_playDrumForBeats music_midiPlayDrumForBeats",
        ),
    ];
    let mut expected_zh: Vec<_> = expected_zh
        .iter()
        .map(|(t, ops)| (t.to_string(), ops.to_string()))
        .collect();
    expected_zh.sort();
    assert_eq!(zh, expected_zh);
}
