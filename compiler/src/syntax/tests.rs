//! Tests of the text front end. The IR is compared through a compact one-line-per-script dump:
//! `opcode(arg, …){substack}{substack}`, literals as `[text]`, variables as `$name:g0` (global
//! slot 0) or `$name:l0` (sprite's own slot 0), lists as `@name:g0`, parameters as `%name`,
//! `_` for an empty slot.

use super::*;
use crate::catalog::Lang;
use crate::diag::{Severity, SourceLoc};

use crate::ir::{Arg, Block, Expr, MonitorDef, MonitorMode, Project, VarRef};
use starling_runtime::isa::LOCAL;

fn block_text(b: &Block) -> String {
    let mut s = crate::ir::block_summary(b);
    for sub in &b.substacks {
        s.push_str(&format!("{{{}}}", body_text(sub)));
    }
    s
}

fn body_text(body: &[Block]) -> String {
    body.iter().map(block_text).collect::<Vec<_>>().join("; ")
}

/// Every script and procedure of every target, one per line, prefixed by the target's name.
fn dump(p: &Project) -> String {
    let mut out = Vec::new();
    for t in &p.targets {
        for proc in &t.procedures {
            let params: Vec<String> = proc
                .params
                .iter()
                .map(|p| {
                    if p.boolean {
                        format!("<{}>", p.name)
                    } else {
                        format!("({})", p.name)
                    }
                })
                .collect();
            let warp = if proc.warp { " warp" } else { "" };
            out.push(format!(
                "{}: define {} [{}]{warp}: {}",
                t.def.name,
                proc.proccode,
                params.join(" "),
                body_text(&proc.body)
            ));
        }
        for s in &t.scripts {
            let hat = s.hat.as_ref().map_or("-".to_string(), block_text);
            out.push(format!("{}: {hat}: {}", t.def.name, body_text(&s.body)));
        }
    }
    out.join("\n")
}

fn errors(d: &[Diagnostic]) -> Vec<String> {
    d.iter().map(|d| d.to_plain(Lang::En)).collect()
}

/// Parses a program that must have no diagnostics at all and returns its dump.
#[track_caller]
fn ok(src: &str) -> String {
    let (p, d) = parse(src);
    assert!(
        d.is_empty(),
        "unexpected diagnostics for\n{src}\n{:#?}",
        errors(&d)
    );
    dump(&p)
}

/// The single script of the single sprite of a bare snippet.
#[track_caller]
fn one(src: &str) -> String {
    let dumped = ok(src);
    let lines: Vec<&str> = dumped.lines().collect();
    assert_eq!(lines.len(), 1, "expected one script, got\n{dumped}");
    lines[0]
        .strip_prefix("Sprite1: ")
        .unwrap_or(lines[0])
        .to_string()
}

/// The diagnostics (English plain form) of a program.
fn diags(src: &str) -> Vec<String> {
    errors(&parse(src).1)
}

/// The project with every source location cleared, to compare programs written differently.
fn without_locs(mut p: Project) -> Project {
    fn block(b: &mut Block) {
        b.loc = SourceLoc::None;
        for a in &mut b.args {
            arg(a);
        }
        for s in &mut b.substacks {
            s.iter_mut().for_each(block);
        }
    }
    fn arg(a: &mut Arg) {
        if let Arg::Expr(e) = a {
            if let Expr::Block(b) = &mut **e {
                block(b);
            }
        }
    }
    for t in &mut p.targets {
        for s in &mut t.scripts {
            s.loc = SourceLoc::None;
            s.hat.iter_mut().for_each(block);
            s.body.iter_mut().for_each(block);
        }
        for pr in &mut t.procedures {
            pr.loc = SourceLoc::None;
            pr.body.iter_mut().for_each(block);
        }
    }
    p
}

// ============================================================================================
// Scripts that must parse cleanly
// ============================================================================================

/// The classic script from the Scratch Wiki, copied verbatim.
#[test]
fn wiki_script_runs_unchanged() {
    let src = "when green flag clicked\nforever\n    if <key (space v) pressed?> then\n        change y by (10)\n    end\nend\n";
    assert_eq!(
        one(src),
        "event_whenflagclicked: control_forever{control_if(sensing_keypressed([space])){motion_changeyby([10])}}"
    );
    // The same in the wiki's `when flag clicked` alias, with `:: ` annotations and comments.
    let src2 = "when flag clicked :: events // start\nforever\nif <key (space v) pressed?> then :: control\nchange y by (10) // jump\nend\nend";
    assert_eq!(one(src2), one(src));
}

#[test]
fn syntax_slots_of_every_kind() {
    assert_eq!(one("move (10) steps"), "-: motion_movesteps([10])");
    assert_eq!(one("move (-1.5e2) steps"), "-: motion_movesteps([-1.5e2])");
    assert_eq!(one("move [12] steps"), "-: motion_movesteps([12])");
    assert_eq!(one("move () steps"), "-: motion_movesteps(_)");
    assert_eq!(one("say [Hello, world!]"), "-: looks_say([Hello, world!])");
    assert_eq!(one("say []"), "-: looks_say(_)");
    assert_eq!(one("say (10)"), "-: looks_say([10])");
    assert_eq!(
        one("say [a (b) <c> // d]"),
        "-: looks_say([a (b) <c> // d])"
    );
    assert_eq!(one(r"say [x\] y\\]"), r"-: looks_say([x] y\])");
    assert_eq!(
        one(r"say [this is not a dropdown \v]"),
        "-: looks_say([this is not a dropdown v])"
    );
    assert_eq!(
        one("set pen color to [#ff0000]"),
        "-: pen_setPenColorToColor([#ff0000])"
    );
    assert_eq!(
        one("set pen color to (#0f0)"),
        "-: pen_setPenColorToColor([#0f0])"
    );
    assert_eq!(
        one("go to (random position v)"),
        "-: motion_goto([_random_])"
    );
    assert_eq!(one("go to [mouse-pointer v]"), "-: motion_goto([_mouse_])");
    assert_eq!(one("go to (Cat v)"), "-: motion_goto([Cat])");
    assert_eq!(
        one("point towards (Big Cat v)"),
        "-: motion_pointtowards([Big Cat])"
    );
    assert_eq!(
        one("change [color v] effect by (25)"),
        "-: looks_changeeffectby([COLOR], [25])"
    );
    assert_eq!(
        one("set [GHOST v] effect to (50)"),
        "-: looks_seteffectto([GHOST], [50])"
    );
    assert_eq!(one("if <> then\nend"), "-: control_if(_){}");
    assert_eq!(
        one("wait until <not <>>"),
        "-: control_wait_until(operator_not(_))"
    );
    assert_eq!(
        one("create clone of (myself v)"),
        "-: control_create_clone_of([_myself_])"
    );
    assert_eq!(one("stop [all v]"), "-: control_stop([all])");
    assert_eq!(
        one("set rotation style [don't rotate v]"),
        "-: motion_setrotationstyle([don't rotate])"
    );
    assert_eq!(
        one("play drum (1 v) for (0.25) beats"),
        "-: music_playDrumForBeats([1], [0.25])"
    );
    assert_eq!(
        one("set instrument to ((2) Electric Piano v)"),
        "-: music_setInstrument([2])"
    );
    assert_eq!(
        one("broadcast (message1 v)"),
        "-: event_broadcast([message1])"
    );
    assert_eq!(one("broadcast [go]"), "-: event_broadcast([go])");
    assert_eq!(
        one("switch costume to ( v)"),
        "-: looks_switchcostumeto([])"
    );
}

#[test]
fn syntax_reporters_nest() {
    assert_eq!(
        one("say (join [a] (join (x position) (round ((1) + ((2) * (3))))))"),
        "-: looks_say(operator_join([a], operator_join(motion_xposition, operator_round(operator_add([1], operator_multiply([2], [3]))))))"
    );
    assert_eq!(
        one("if <<(x position) > (10)> and <not <(y position) < (0)>>> then\nend"),
        "-: control_if(operator_and(operator_gt(motion_xposition, [10]), operator_not(operator_lt(motion_yposition, [0])))){}"
    );
    assert_eq!(
        one("if <[a] = [b]> then\nend"),
        "-: control_if(operator_equals([a], [b])){}"
    );
    // A boolean may be dropped into a round slot, as in Scratch.
    assert_eq!(one("say <mouse down?>"), "-: looks_say(sensing_mousedown)");
    assert_eq!(
        one("when [timer v] > (10)"),
        "event_whengreaterthan([TIMER], [10]): "
    );
    assert_eq!(
        one("say ([abs v] of (-3))"),
        "-: looks_say(operator_mathop([abs], [-3]))"
    );
    assert_eq!(
        one("say ([x position v] of (Sprite1 v))"),
        "-: looks_say(sensing_of([x position], [Sprite1]))"
    );
    assert_eq!(
        one("say (distance to (mouse-pointer v))"),
        "-: looks_say(sensing_distanceto([_mouse_]))"
    );
    assert_eq!(
        one("say (current [day of week v])"),
        "-: looks_say(sensing_current([DAYOFWEEK]))"
    );
    assert_eq!(
        one("say (pick random (1) to (10))"),
        "-: looks_say(operator_random([1], [10]))"
    );
    assert_eq!(
        one("say (costume [name v])"),
        "-: looks_say(looks_costumenumbername([name]))"
    );
}

#[test]
fn syntax_c_blocks_nest_and_else_turns_if_into_if_else() {
    let src = "when flag clicked
repeat (3)
  repeat until <touching (edge v)?>
    move (1) steps
  end
  if <mouse down?> then
    say [down]
  else
    say [up]
    stop [this script v]
  end
end
forever
end";
    assert_eq!(
        one(src),
        "event_whenflagclicked: control_repeat([3]){control_repeat_until(sensing_touchingobject([_edge_])){motion_movesteps([1])}; control_if_else(sensing_mousedown){looks_say([down])}{looks_say([up]); control_stop([this script])}}; control_forever{}"
    );
}

#[test]
fn syntax_blank_lines_and_hats_separate_scripts() {
    let src = "when flag clicked\nsay [a]\n\nsay [loose]\nwhen this sprite clicked\nsay [b]\n\n\nwhen I receive [go v]\nforever\n\nsay [still inside]\nend";
    let (p, d) = parse(src);
    assert!(d.is_empty(), "{:?}", errors(&d));
    assert_eq!(
        dump(&p),
        "Sprite1: event_whenflagclicked: looks_say([a])
Sprite1: -: looks_say([loose])
Sprite1: event_whenthisspriteclicked: looks_say([b])
Sprite1: event_whenbroadcastreceived([go]): control_forever{looks_say([still inside])}"
    );
}

#[test]
fn syntax_aliases_and_icons() {
    for src in [
        "when flag clicked",
        "when gf clicked",
        "when green flag clicked",
        "when @greenFlag clicked",
        "When Green Flag Clicked",
        "当绿旗被点击",
        "当 @greenFlag 被点击",
        "当 绿旗 被 点击",
    ] {
        assert_eq!(one(src), "event_whenflagclicked: ", "{src}");
    }
    for src in [
        "turn cw (15) degrees",
        "turn right (15) degrees",
        "turn ↻ (15) degrees",
        "turn @turnRight (15) degrees",
        "右转 (15) 度",
        "右转 ↻ (15) 度",
    ] {
        assert_eq!(one(src), "-: motion_turnright([15])", "{src}");
    }
    for src in [
        "turn ccw (15) degrees",
        "turn left (15) degrees",
        "turn ↺ (15) degrees",
        "左转 @turnLeft (15) 度",
    ] {
        assert_eq!(one(src), "-: motion_turnleft([15])", "{src}");
    }
    assert_eq!(
        one("say [hi] for (2) secs"),
        "-: looks_sayforsecs([hi], [2])"
    );
    assert_eq!(one("wait (1) secs"), "-: control_wait([1])");
}

#[test]
fn syntax_chinese_with_or_without_spaces() {
    for src in [
        "移动 (10) 步",
        "移动(10)步",
        "移动（10）步",
        "  移动 ( 10 ) 步  ",
    ] {
        assert_eq!(one(src), "-: motion_movesteps([10])", "{src}");
    }
    assert_eq!(
        one("如果 <按下 (空格 v) 键?> 那么\n将y坐标增加 (10)\n结束"),
        "-: control_if(sensing_keypressed([space])){motion_changeyby([10])}"
    );
    assert_eq!(
        one("将 [颜色 v] 特效增加 (25)"),
        "-: looks_changeeffectby([COLOR], [25])"
    );
    assert_eq!(one("移到 (随机位置 v)"), "-: motion_goto([_random_])");
    assert_eq!(
        one("说 ([绝对值 v] (-3))"),
        "-: looks_say(operator_mathop([abs], [-3]))"
    );
    assert_eq!(
        one("说 ((舞台 v) 的 [背景编号 v])"),
        "-: looks_say(sensing_of([backdrop #], [_stage_]))"
    );
    assert_eq!(
        one("说 ((Sprite1 v) 的 [x 坐标 v])"),
        "-: looks_say(sensing_of([x position], [Sprite1]))"
    );
    assert_eq!(one("说 (x 坐标)"), "-: looks_say(motion_xposition)");
    assert_eq!(one("说 (x坐标)"), "-: looks_say(motion_xposition)");
}

/// Dropdown text may be the stored value or either language's label, in any case.
#[test]
fn syntax_dropdowns_store_the_menu_value() {
    assert_eq!(
        one("wait until <key (space v) pressed?>"),
        one("wait until <key (空格 v) pressed?>")
    );
    assert_eq!(
        one("wait until <key (SPACE v) pressed?>"),
        "-: control_wait_until(sensing_keypressed([space]))"
    );
    assert_eq!(
        one("when [up arrow v] key pressed"),
        "event_whenkeypressed([up arrow]): "
    );
    assert_eq!(
        one("when [上移键 v] key pressed"),
        "event_whenkeypressed([up arrow]): "
    );
    assert_eq!(
        one("set [pan left/right v] effect to (0)"),
        "-: sound_seteffectto([PAN], [0])"
    );
    assert_eq!(
        one("change [pitch v] effect by (10)"),
        "-: sound_changeeffectby([PITCH], [10])"
    );
    assert_eq!(
        one("say ([e ^ v] of (1))"),
        "-: looks_say(operator_mathop([e ^], [1]))"
    );
    assert_eq!(
        one("say ([e^ v] of (1))"),
        "-: looks_say(operator_mathop([e ^], [1]))"
    );
    // Dynamic menus keep the text.
    assert_eq!(
        one("switch costume to (costume2 v)"),
        "-: looks_switchcostumeto([costume2])"
    );
    assert_eq!(
        one("when backdrop switches to [Night Sky v]"),
        "event_whenbackdropswitchesto([Night Sky]): "
    );
}

/// Blocks whose templates are the same text are told apart by their slots.
#[test]
fn syntax_colliding_templates_are_chosen_by_slots() {
    let src = "add [apple] to [fruits v]
say (length of [fruits v])
say (length of [apple])
say (length of (fruits :: list))
say <[fruits v] contains [apple]?>
say <[apple] contains [a]?>
set pen color to [#ff0000]
set pen color to (50)
say ([sqrt v] of (9))
say ([direction v] of (Cat v))";
    assert_eq!(
        one(src),
        "-: data_addtolist([apple], @fruits:g0); looks_say(data_lengthoflist(@fruits:g0)); looks_say(operator_length([apple])); looks_say(data_lengthoflist(@fruits:g0)); looks_say(data_listcontainsitem(@fruits:g0, [apple])); looks_say(operator_contains([apple], [a])); pen_setPenColorToColor([#ff0000]); pen_setPenHueToNumber([50]); looks_say(operator_mathop([sqrt], [9])); looks_say(sensing_of([direction], [Cat]))"
    );
}

#[test]
fn syntax_variables_and_lists() {
    let src = "set [score v] to (0)
change [score v] by (1)
say (score)
say (my list :: list)
add (score) to [my list v]
say (item (1) of [my list v])
say (item # of [x] in [my list v])
delete (1) of [my list v]
insert [a] at (1) of [my list v]
replace item (1) of [my list v] with [b]
show variable [score v]
hide list [my list v]";
    assert_eq!(
        one(src),
        "-: data_setvariableto($score:g0, [0]); data_changevariableby($score:g0, [1]); looks_say($score:g0); looks_say(@my list:g0); data_addtolist($score:g0, @my list:g0); looks_say(data_itemoflist([1], @my list:g0)); looks_say(data_itemnumoflist([x], @my list:g0)); data_deleteoflist([1], @my list:g0); data_insertatlist([a], [1], @my list:g0); data_replaceitemoflist([1], @my list:g0, [b]); data_showvariable($score:g0); data_hidelist(@my list:g0)"
    );
    // A read before the set still finds the automatic variable.
    assert_eq!(
        one("say (n)\nset [n v] to [1]"),
        "-: looks_say($n:g0); data_setvariableto($n:g0, [1])"
    );
}

/// `(name)` is a zero-argument reporter first, then a parameter, a variable, a list.
#[test]
fn syntax_round_names_resolve_in_order() {
    let src = "#variable direction = 1
#variable height = 2
#list things
#sprite Cat
#variable height = 3
define jump (height)
say (direction)
say (height)
say (things)
say (direction :: variables)

when flag clicked
say (height)
";
    let (p, d) = parse(src);
    let d = errors(&d);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert!(
        d[0].contains("already a variable for all sprites"),
        "{d:#?}"
    );
    assert_eq!(
        dump(&p),
        "Cat: define jump %s [(height)]: looks_say(motion_direction); looks_say(%height0); looks_say(@things:g0); looks_say($direction:g0)
Cat: event_whenflagclicked: looks_say($height:l0)"
    );
}

#[test]
fn syntax_custom_blocks() {
    let src = "when flag clicked
jump (10) times <mouse down?>
jump [x] times <>
reset

define jump (height) times <fast> // run without screen refresh
repeat (height)
  if <fast> then
    change y by (height)
  end
end

define reset
go to x: (0) y: (0)";
    let (p, d) = parse(src);
    assert!(d.is_empty(), "{:?}", errors(&d));
    assert_eq!(
        dump(&p),
        "Sprite1: define jump %s times %b [(height) <fast>] warp: control_repeat(%height0){control_if(%<fast>1){motion_changeyby(%height0)}}
Sprite1: define reset []: motion_gotoxy([0], [0])
Sprite1: event_whenflagclicked: procedures_call#0([10], sensing_mousedown); procedures_call#0([x], _); procedures_call#1"
    );
    let target = &p.targets[1];
    assert_eq!(target.procedures[0].params.len(), 2);
    assert!(target.procedures[0].params[1].boolean);
    assert!(!target.procedures[1].warp);
    // Chinese: `定义` may be glued to the name; warp in Chinese.
    let (p, d) =
        parse("定义跳 (高度) // 运行时不刷新屏幕\n将y坐标增加 (高度)\n\n当绿旗被点击\n跳 (10)");
    assert!(d.is_empty(), "{:?}", errors(&d));
    assert_eq!(
        dump(&p),
        "Sprite1: define 跳 %s [(高度)] warp: motion_changeyby(%高度0)\nSprite1: event_whenflagclicked: procedures_call#0([10])"
    );
}

#[test]
fn syntax_custom_blocks_belong_to_their_sprite() {
    let src = "#sprite A\ndefine hop\nsay [A]\n\n#sprite B\nwhen flag clicked\nhop";
    let d = diags(src);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert!(d[0].contains("I don't know the block “hop”"), "{d:#?}");
}

// ============================================================================================
// Project notation
// ============================================================================================

#[test]
fn syntax_project_notation() {
    let src = r#"#variable score = 0
#variable name = "Ada Lovelace"
#list fruits = [apple] [banana split] [3]
#list empty
#backdrop sky = sky.svg
#stage tempo=90
#backdrop night = night.png
#sound theme = theme.mp3

when flag clicked
set [score v] to (0)

#sprite "Big Cat" x=10 y=-20 direction=45 size=50 visible=no draggable=yes rotation=left-right costume=cat-b
#costume cat-a = cat-a.svg
#costume cat-b = cat-b.svg
#sound pop = pop.wav
#variable lives = 3

when flag clicked
change [lives v] by (-1)
change [score v] by (1)
add (lives) to [fruits v]

#sprite Dog
#variable lives
when this sprite clicked
say (lives)
"#;
    let (p, d) = parse(src);
    assert!(d.is_empty(), "{:?}", errors(&d));
    assert_eq!(p.targets.len(), 3);
    let stage = &p.targets[0].def;
    assert!(stage.is_stage);
    assert_eq!(stage.name, "Stage");
    assert_eq!(stage.tempo, 90.0);
    let names: Vec<&str> = stage.variables.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["score", "name"]);
    // Numbers stay as their text.
    assert_eq!(
        stage.variables[0].initial,
        starling_runtime::Value::from("0")
    );
    assert_eq!(
        stage.variables[1].initial,
        starling_runtime::Value::from("Ada Lovelace")
    );
    assert_eq!(stage.lists[0].name, "fruits");
    let items: Vec<String> = stage.lists[0]
        .initial
        .iter()
        .map(|v| v.to_str().to_string())
        .collect();
    assert_eq!(items, ["apple", "banana split", "3"]);
    assert!(stage.lists[1].initial.is_empty());
    let backdrops: Vec<(&str, Option<&str>)> = stage
        .costumes
        .iter()
        .map(|c| (c.name.as_str(), c.file.as_deref()))
        .collect();
    assert_eq!(
        backdrops,
        [("sky", Some("sky.svg")), ("night", Some("night.png"))]
    );
    assert_eq!(stage.sounds[0].name, "theme");

    let cat = &p.targets[1].def;
    assert_eq!(cat.name, "Big Cat");
    assert!(!cat.is_stage);
    assert_eq!(
        (cat.x, cat.y, cat.direction, cat.size),
        (10.0, -20.0, 45.0, 50.0)
    );
    assert!(!cat.visible && cat.draggable);
    assert_eq!(
        cat.rotation_style,
        starling_runtime::program::RotationStyle::LeftRight
    );
    assert_eq!(cat.costumes.len(), 2);
    assert_eq!(cat.costumes[1].file.as_deref(), Some("cat-b.svg"));
    assert_eq!(cat.costumes[1].rotation_center, None);
    assert_eq!(cat.costumes[1].bitmap_resolution, 1.0);
    assert_eq!(cat.current_costume, 1);
    assert_eq!(cat.sounds[0].file.as_deref(), Some("pop.wav"));
    assert_eq!(cat.variables[0].name, "lives");
    assert_eq!(
        p.targets[2].def.variables[0].initial,
        starling_runtime::Value::Num(0.0)
    );

    assert_eq!(
        dump(&p),
        "Stage: event_whenflagclicked: data_setvariableto($score:g0, [0])
Big Cat: event_whenflagclicked: data_changevariableby($lives:l0, [-1]); data_changevariableby($score:g0, [1]); data_addtolist($lives:l0, @fruits:g0)
Dog: event_whenthisspriteclicked: looks_say($lives:l0)"
    );
}

#[test]
fn syntax_project_notation_in_chinese() {
    let src = "#变量 分数 = 0\n#舞台\n#背景 天空 = sky.svg\n#角色 小猫 x=5 方向=0 显示=否 旋转方式=不可旋转\n#造型 猫 = cat.svg\n#声音 喵 = meow.wav\n#列表 水果 = [苹果] [香蕉]\n当绿旗被点击\n将 [分数 v] 增加 (1)\n将 [香蕉] 加入 [水果 v]";
    let (p, d) = parse(src);
    assert!(d.is_empty(), "{:?}", errors(&d));
    let cat = &p.targets[1].def;
    assert_eq!(
        (cat.name.as_str(), cat.x, cat.direction, cat.visible),
        ("小猫", 5.0, 0.0, false)
    );
    assert_eq!(
        cat.rotation_style,
        starling_runtime::program::RotationStyle::DontRotate
    );
    assert_eq!(cat.lists[0].name, "水果");
    assert_eq!(
        dump(&p),
        "小猫: event_whenflagclicked: data_changevariableby($分数:g0, [1]); data_addtolist([香蕉], @水果:l0)"
    );
}

/// A snippet without headers is one sprite, and variables it sets are made automatically.
#[test]
fn syntax_bare_snippet_is_one_sprite_with_automatic_globals() {
    let (p, d) = parse(
        "#costume a = a.svg\nwhen flag clicked\nset [x v] to (1)\nadd [1] to [xs v]\nsay (x)",
    );
    assert!(d.is_empty(), "{:?}", errors(&d));
    assert_eq!(p.targets.len(), 2);
    assert_eq!(p.targets[0].def.name, "Stage");
    assert_eq!(p.targets[1].def.name, "Sprite1");
    assert_eq!(p.targets[1].def.costumes[0].name, "a");
    assert_eq!(p.targets[0].def.variables[0].name, "x");
    assert_eq!(p.targets[0].def.lists[0].name, "xs");
}

#[test]
fn syntax_headers_require_declared_variables() {
    let src = "#sprite Cat\nwhen flag clicked\nset [scroe v] to (0)\nchange [scroe v] by (1)\nsay (scroe)";
    let (p, d) = parse(src);
    let d = errors(&d);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert!(
        d[0].starts_with("error 34..43: There is no variable called “scroe”."),
        "{d:#?}"
    );
    assert!(d[0].contains("#variable scroe = 0"), "{d:#?}");
    // The IR is still built as if the variable were declared.
    assert_eq!(dump(&p), "Cat: event_whenflagclicked: data_setvariableto($scroe:g0, [0]); data_changevariableby($scroe:g0, [1]); looks_say($scroe:g0)");
    // With a close name declared, the hint names it.
    let d = diags("#variable score = 0\n#sprite Cat\nset [scroe v] to (0)");
    assert!(d[0].contains("Did you mean “score”?"), "{d:#?}");
    let d = diags("#list fruits\n#sprite Cat\nadd [x] to [fruit v]");
    assert!(
        d[0].contains("There is no list called “fruit”") && d[0].contains("“fruits”"),
        "{d:#?}"
    );
}

// ============================================================================================
// Languages
// ============================================================================================

const GAME_EN: &str = "#variable score = 0
#list hits
#sprite Cat
#variable speed = 5

when green flag clicked
go to x: (0) y: (0)
set [score v] to (0)
forever
  if <key (right arrow v) pressed?> then
    change x by (speed)
    point in direction (90)
  else
    if <touching (edge v)?> then
      say [Ouch!] for (1) seconds
      add (x position) to [hits v]
    end
  end
  change [score v] by (1)
  jump (10) <mouse down?>
  wait (0.1) seconds
end

define jump (height) <high>
repeat until <not <high>>
  change y by ((height) * (2))
end

when I receive [game over v]
stop [all v]
";

const GAME_ZH: &str = "#变量 score = 0
#列表 hits
#角色 Cat
#变量 speed = 5

当绿旗被点击
移到 x: (0) y: (0)
将 [score v] 设为 (0)
重复执行
  如果 <按下 (右移键 v) 键?> 那么
    将x坐标增加 (speed)
    面向 (90) 方向
  否则
    如果 <碰到 (舞台边缘 v) ?> 那么
      说 [Ouch!] (1) 秒
      将 (x 坐标) 加入 [hits v]
    结束
  结束
  将 [score v] 增加 (1)
  jump (10) <按下鼠标?>
  等待 (0.1) 秒
结束

定义 jump (height) <high>
重复执行直到 <<high> 不成立>
  将y坐标增加 ((height) * (2))
结束

当接收到 [game over v]
停止 [全部脚本 v]
";

#[test]
fn syntax_english_and_chinese_give_the_same_program() {
    let (en, d) = parse(GAME_EN);
    assert!(d.is_empty(), "{:?}", errors(&d));
    let (zh, d) = parse(GAME_ZH);
    assert!(d.is_empty(), "{:?}", errors(&d));
    assert_eq!(dump(&en), dump(&zh));
    assert_eq!(without_locs(en), without_locs(zh));
}

#[test]
fn syntax_mixed_language_file() {
    let src = "when green flag clicked\n移动 (10) 步\nsay [hi]\n如果 <mouse down?> 那么\nturn right (15) degrees\n结束\n\n当按下 [space v] 键\nchange y by (10)";
    assert_eq!(
        ok(src),
        "Sprite1: event_whenflagclicked: motion_movesteps([10]); looks_say([hi]); control_if(sensing_mousedown){motion_turnright([15])}\nSprite1: event_whenkeypressed([space]): motion_changeyby([10])"
    );
}

// ============================================================================================
// Source locations
// ============================================================================================

#[test]
fn syntax_locations_are_byte_spans() {
    let src = "when flag clicked\n  移动 (10) 步 // go\nsay (x position)";
    let (p, _) = parse(src);
    let script = &p.targets[1].scripts[0];
    let span = |loc: &SourceLoc| match loc {
        SourceLoc::Span { start, end } => &src[*start as usize..*end as usize],
        _ => "",
    };
    assert_eq!(span(&script.hat.as_ref().unwrap().loc), "when flag clicked");
    assert_eq!(span(&script.body[0].loc), "移动 (10) 步");
    assert_eq!(span(&script.body[1].loc), "say (x position)");
    let Arg::Expr(e) = &script.body[1].args[0] else {
        panic!()
    };
    let Expr::Block(b) = &**e else { panic!() };
    assert_eq!(span(&b.loc), "(x position)");
    assert_eq!(span(&script.loc), src);
}

// ============================================================================================
// Diagnostics
// ============================================================================================

/// The one diagnostic of `src`, in plain English form.
#[track_caller]
fn only(src: &str) -> Diagnostic {
    let (_, d) = parse(src);
    assert_eq!(
        d.len(),
        1,
        "expected one diagnostic for\n{src}\ngot {:#?}",
        errors(&d)
    );
    d.into_iter().next().unwrap()
}

#[track_caller]
fn span_text<'a>(src: &'a str, loc: &SourceLoc) -> &'a str {
    match loc {
        SourceLoc::Span { start, end } => &src[*start as usize..*end as usize],
        other => panic!("no span: {other:?}"),
    }
}

#[test]
fn syntax_diag_unknown_block_suggests_in_the_lines_language() {
    let src = "when flag clicked\nmvoe (10) stpes";
    let d = only(src);
    assert_eq!(d.severity, Severity::Error);
    assert_eq!(span_text(src, &d.loc), "mvoe (10) stpes");
    assert_eq!(d.message.en, "I don't know the block “mvoe (10) stpes”.");
    assert_eq!(d.message.zh, "我不认识“mvoe (10) stpes”这个积木。");
    let hint = d.hint.unwrap();
    assert!(
        hint.en.starts_with("Did you mean: move (10) steps, "),
        "{}",
        hint.en
    );
    assert!(
        hint.zh.starts_with("你是不是想写：move (10) steps、"),
        "{}",
        hint.zh
    );
    assert_eq!(
        hint.en.matches(", ").count(),
        2,
        "three suggestions: {}",
        hint.en
    );

    let d = only("移动 (10) 部");
    let hint = d.hint.unwrap();
    assert!(
        hint.en.starts_with("Did you mean: 移动 (10) 步"),
        "{}",
        hint.en
    );

    // Unknown reporters suggest reporters.
    let d = only("say (x positoin)");
    assert!(
        d.message
            .en
            .contains("no variable, list or input called “x positoin”"),
        "{}",
        d.message.en
    );
    let d = only("say (pick randon (1) to (10))");
    assert_eq!(
        d.message.en,
        "I don't know the reporter block “(pick randon (1) to (10))”."
    );
    assert!(d
        .hint
        .unwrap()
        .en
        .starts_with("Did you mean: pick random (1) to (10)"));
}

#[test]
fn syntax_diag_unknown_custom_block_is_an_unknown_block() {
    let d = only("define jump (h)\nchange y by (h)\n\nwhen flag clicked\njmup (10)");
    assert_eq!(d.message.en, "I don't know the block “jmup (10)”.");
    assert!(d.hint.unwrap().en.contains("jump (h)"));
}

#[test]
fn syntax_diag_missing_end_points_at_the_c_block() {
    let src = "when flag clicked\nrepeat (10)\n  move (10) steps\n  if <mouse down?> then\n    say [hi]\nend";
    let d = only(src);
    assert_eq!(
        d.message.en,
        "The script ends, but “repeat (10)” was never closed with “end”."
    );
    assert_eq!(
        d.message.zh,
        "脚本结束了，但是“repeat (10)”还没有用“end”结束。"
    );
    assert_eq!(d.labels.len(), 1);
    assert_eq!(span_text(src, &d.labels[0].loc), "repeat (10)");
    assert_eq!(d.labels[0].message.en, "this “repeat (10)” needs an “end”");
    // Every open block is reported, at the end of the file and before a directive.
    let d = diags("#sprite A\nforever\nrepeat (2)\nmove (1) steps\n#sprite B\nforever");
    assert_eq!(d.len(), 3, "{d:#?}");
}

#[test]
fn syntax_diag_end_and_else_with_nothing_to_close() {
    let d = only("when flag clicked\nmove (10) steps\nend");
    assert_eq!(d.message.en, "This “end” has nothing to close.");
    assert!(d.message.zh.contains("end"));
    let d = only("else");
    assert_eq!(
        d.message.en,
        "This “else” is not inside an “if … then” block."
    );
    let src = "repeat (2)\nelse\nend";
    let d = only(src);
    assert_eq!(
        d.message.en,
        "This “else” is not inside an “if … then” block."
    );
    assert_eq!(span_text(src, &d.labels[0].loc), "repeat (2)");
    let d = only("if <> then\nelse\nelse\nend");
    assert_eq!(d.message.en, "This “if” already has an “else”.");
    // An `end` after an unknown block is taken to close it: one error, not two.
    let d = only("repaet (10)\nmove (1) steps\nend");
    assert!(d.message.en.starts_with("I don't know the block"));
}

#[test]
fn syntax_diag_text_where_a_number_belongs() {
    let src = "move [abc] steps";
    let d = only(src);
    assert_eq!(span_text(src, &d.loc), "[abc]");
    assert_eq!(d.message.en, "“abc” is text, but this slot needs a number.");
    assert_eq!(d.message.zh, "“abc”是文字，但是这个格子需要一个数字。");
    assert!(d.hint.is_some());
    // Numeric text in [] is fine, and text slots take anything.
    ok("move [12] steps\nmove [-1.5] steps\nsay [abc]\nsay (12)");
    let d = only("set pen color to [red]");
    assert_eq!(d.message.en, "“red” is not a colour.");
}

#[test]
fn syntax_diag_unknown_variable_and_list_with_close_names() {
    let d = only("set [score v] to (0)\nsay (scor)");
    assert_eq!(
        d.message.en,
        "There is no variable, list or input called “scor”."
    );
    assert_eq!(d.hint.unwrap().en, "Did you mean “score”?");
    let d = only("say (nothing)");
    assert!(d.hint.unwrap().en.contains("set [nothing v] to (0)"));
    let d = only("#sprite A\nsay (nothing)");
    assert!(d.hint.unwrap().en.contains("#variable nothing = 0"));
    // A variable can't stand in a pointy slot.
    let d = only("set [ok v] to (1)\nif <ok> then\nend");
    assert!(
        d.message.en.contains("“ok” is a variable"),
        "{}",
        d.message.en
    );
    let d = only("if <okay> then\nend");
    assert_eq!(d.message.en, "I don't know the reporter block “<okay>”.");
}

#[test]
fn syntax_diag_define_twice() {
    let src = "define jump (h)\nsay [1]\n\ndefine jump (height)\nsay [2]";
    let d = only(src);
    assert_eq!(d.message.en, "The block “jump (height)” is defined twice.");
    assert_eq!(span_text(src, &d.loc), "define jump (height)");
    assert_eq!(span_text(src, &d.labels[0].loc), "define jump (h)");
    let (p, _) = parse(src);
    assert_eq!(p.targets[1].procedures.len(), 1);
    // The same name in two sprites is fine.
    ok("#sprite A\ndefine jump\n#sprite B\ndefine jump");
}

#[test]
fn syntax_diag_wrong_slot_kind() {
    let src = "if (x position) then\nend";
    let d = only(src);
    assert_eq!(span_text(src, &d.loc), "(x position)");
    assert_eq!(
        d.message.en,
        "“(x position)” is a round block; it doesn't fit in a pointy slot."
    );
    let d = only("if <(x position)> then\nend");
    assert!(d.message.en.contains("round block"), "{}", d.message.en);
    let d = only("if [yes] then\nend");
    assert!(
        d.message.en.starts_with("Only a pointy block"),
        "{}",
        d.message.en
    );
    let d = only("wait until (1)");
    assert!(
        d.message.en.starts_with("Only a pointy block"),
        "{}",
        d.message.en
    );
    let d = only("say (move (10) steps)");
    assert!(
        d.message.en.contains("is a stack block"),
        "{}",
        d.message.en
    );
    let d = only("change [colour v] effect by (10)");
    assert_eq!(d.message.en, "“colour” is not one of the choices here.");
    assert!(d.hint.unwrap().en.contains("color, fisheye, whirl"));
    let d = only("set [x v] to [1]\nset pen color to (x position) \nchange (x) effect by (1)");
    assert!(
        d.message.en.starts_with("“x” is not one of the choices"),
        "{}",
        d.message.en
    );
    // Booleans in round slots are allowed, as in Scratch.
    ok("say <mouse down?>\nmove <mouse down?> steps");
}

#[test]
fn syntax_diag_hat_in_the_middle_of_a_script() {
    let src = "when flag clicked\nforever\nmove (1) steps\nwhen this sprite clicked\nsay [hi]";
    let d = only(src);
    assert_eq!(
        d.message.en,
        "The hat block “when this sprite clicked” can only go at the top of a script."
    );
    assert_eq!(span_text(src, &d.labels[0].loc), "forever");
    let (p, _) = parse(src);
    assert_eq!(p.targets[1].scripts.len(), 2);
    // A hat right after a finished script just starts the next one.
    ok("when flag clicked\nsay [a]\nwhen this sprite clicked\nsay [b]");
}

#[test]
fn syntax_diag_lexing_errors_recover_at_the_end_of_the_line() {
    let src =
        "say (join [a] (b)\nmove (10) steps)\nsay [oops\nif <mouse down? then\nend\nmove (1) steps";
    let (p, d) = parse(src);
    let d: Vec<(String, &str)> = d
        .iter()
        .map(|d| (d.message.en.clone(), span_text(src, &d.loc)))
        .collect();
    assert_eq!(
        d,
        [
            (
                "This “(” is never closed: it needs a “)” on the same line.".to_string(),
                "("
            ),
            ("This “)” has no “(” before it to close.".to_string(), ")"),
            (
                "This “[” is never closed: it needs a “]” on the same line.".to_string(),
                "["
            ),
            (
                "This “<” is never closed: it needs a “>” on the same line.".to_string(),
                "<"
            ),
        ]
    );
    // The last line is still there; the `end` of the bad `if` line is not reported again.
    assert_eq!(dump(&p), "Sprite1: -: motion_movesteps([1])");
    let d = only("say [a] ]");
    assert_eq!(d.message.en, "This “]” has no “[” before it to close.");
}

#[test]
fn syntax_diag_after_cap_and_lone_reporters_are_warnings() {
    let (p, d) =
        parse("when flag clicked\nstop [all v]\nsay [never]\n(x position)\n<mouse down?>\n...");
    let sev: Vec<Severity> = d.iter().map(|d| d.severity).collect();
    assert_eq!(sev, [Severity::Warning; 4], "{:#?}", errors(&d));
    assert!(d[0].message.en.contains("after “stop [all v]”"));
    assert_eq!(p.targets[1].scripts.len(), 2);
    ok("when flag clicked\nstop [other scripts in sprite v]\nsay [fine]");
}

#[test]
fn syntax_diag_directives() {
    let d = only("#sprit Cat");
    assert!(d.message.en.starts_with("I don't know “#sprit”"));
    let d = only("#sprite Cat speed=3");
    assert!(d.message.en.contains("property “speed”"));
    let d = only("#sprite Cat x=left");
    assert!(d.message.en.contains("“left” is not a good value for x"));
    let d = only("#sprite Cat\n#variable a\n#variable a");
    assert!(d.message.en.contains("already a variable called “a”"));
    let d = only("#sprite Cat costume=nope");
    assert!(d.message.en.contains("no costume called “nope”"));
    let d = only("#variable");
    assert!(d.message.en.contains("needs a name"));
}

/// Every message exists in both languages.
#[test]
fn syntax_diag_messages_are_bilingual() {
    let src = "mvoe (1) steps\nmove [a] steps\nsay (zz)\nend\nelse\nif (x position) then\nend\nsay [\n)\n#what\ndefine\ndefine a\ndefine a\nforever";
    let (_, d) = parse(src);
    assert!(d.len() >= 10, "{:#?}", errors(&d));
    for d in &d {
        assert!(!d.message.en.is_empty() && !d.message.zh.is_empty());
        assert_ne!(d.message.en, d.message.zh);
        assert!(matcher::is_chinese(&d.message.zh), "{}", d.message.zh);
        if let Some(h) = &d.hint {
            assert!(
                matcher::is_chinese(&h.zh) || h.zh.starts_with("你"),
                "{}",
                h.zh
            );
        }
    }
}

// ============================================================================================
// Robustness: no panic, no hang, no stack overflow
// ============================================================================================

#[test]
fn syntax_odd_inputs_do_not_panic() {
    let long_word = "a".repeat(100_000);
    let inputs = [
        "",
        "\n\n\n",
        "(",
        ")",
        "<",
        ">",
        "[",
        "]",
        ">>>>",
        "<<<<",
        "end",
        "else",
        "define",
        "::",
        ":: list",
        "//",
        "#",
        "# ",
        "#sprite",
        "#list x = [",
        "#variable \"",
        "( v)",
        "[ v]",
        "<>",
        "()",
        "[]",
        "(((a)))",
        "<(a) < (b) > (c)>",
        "<<<(a) > (b)>>>",
        "say [\\",
        "say [a\\]",
        "\u{0}\u{1}\u{7f}",
        "\u{feff}when flag clicked",
        "when flag clicked\r\nmove (1) steps\r\n",
        "（（（",
        "）",
        "移动 （10） 步",
        "🐱 (🐶 v) <🐭>",
        "e\u{301}\u{301}\u{301}",
        "\u{202e}evom",
        "𝓂𝑜𝓋𝑒 (10) 𝓈𝓉𝑒𝓅𝓈",
        "say [#ff0000 v]",
        "define (a) <b> [c]",
        "define ()",
        "say (:: list)",
        "if <(a) > > (b)> then",
        "when [timer v] > > (1)",
        "\t\t\t",
        "\u{3000}移动\u{3000}(1)\u{3000}步",
        "#monitor",
        "#monitor \"",
        "#monitor [",
        "#monitor x slider",
        "#monitor x slider ..",
        "#monitor x slider 1..2..3",
        "#monitor x x= y== =",
        "#variable x\n#monitor x slider 1e400..5 x=NaN w=-1",
        "#variable 猫\n#监视器 猫 滑杆 0..１０ 宽=Infinity",
        "#list l\n#monitor \"l\" list list list hidden 隐藏",
        &long_word,
    ];
    for src in inputs {
        let _ = parse(src);
        let (p, _) = parse(src);
        let _ = print(&p, Lang::En);
    }
}

#[test]
fn syntax_deep_nesting_is_refused_with_a_message() {
    // 10,000 nested round brackets, closed and unclosed.
    let open = "(".repeat(10_000);
    let d = only(&format!("say {open}"));
    assert!(d
        .message
        .en
        .contains("too many brackets inside each other (more than 64)"));
    let closed = format!("say {}1{}", "(".repeat(10_000), ")".repeat(10_000));
    let d = only(&closed);
    assert!(d.message.en.contains("more than 64"));
    let angles = format!("if {}{} then\nend", "<".repeat(5_000), ">".repeat(5_000));
    let d = only(&angles);
    assert!(d.message.en.contains("more than 64"));
    // Comparisons chained inside booleans nest too.
    let chain = format!("if {} then\nend", "<(a) > ".repeat(5_000));
    let (_, d) = parse(&chain);
    assert!(
        d.iter().any(|d| d.message.en.contains("more than 64")),
        "{:#?}",
        errors(&d)
    );
    // 64 levels are fine.
    let fine = format!("say {}1{}", "(".repeat(30), ")".repeat(30));
    let _ = parse(&fine);
    let fine = format!("say {}(1) + (1){}", "(".repeat(63), ")".repeat(63));
    let (_, d) = parse(&fine);
    assert!(d.is_empty(), "{:#?}", errors(&d));

    // C blocks: at most 100 inside each other.
    let deep_c = format!(
        "when flag clicked\n{}{}",
        "forever\n".repeat(150),
        "end\n".repeat(150)
    );
    let (_, d) = parse(&deep_c);
    assert_eq!(d.len(), 50, "{:#?}", &errors(&d)[..3]);
    assert!(d[0].message.en.contains("more than 100"));
    let fine_c = format!(
        "when flag clicked\n{}{}",
        "repeat (2)\n".repeat(100),
        "end\n".repeat(100)
    );
    ok(&fine_c);
}

#[test]
fn syntax_huge_input_is_linear() {
    // About 10 MB: good blocks, unknown blocks and broken lines.
    let chunk = "when flag clicked\nforever\nif <key (space v) pressed?> then\nchange y by (10)\nsay (join [a] (x position))\nend\nend\nmvoe (10) steps\nsay [oops\n\n";
    // 10 MB in an optimised build; a debug build (where chumsky is many times slower) parses
    // 2 MB so the test suite stays quick.
    let size = if cfg!(debug_assertions) {
        2_000_000
    } else {
        10_000_000
    };
    let src = chunk.repeat(size / chunk.len());
    let t = std::time::Instant::now();
    let (p, d) = parse(&src);
    let elapsed = t.elapsed();
    eprintln!("{size} bytes parsed in {elapsed:?}");
    assert_eq!(p.targets[1].scripts.len(), size / chunk.len());
    assert_eq!(d.len(), MAX_DIAGNOSTICS + 1);
    // Generous: a debug build on a slow machine. Quadratic behaviour would take minutes.
    assert!(elapsed.as_secs() < 60, "{elapsed:?}");
    // One 10 MB line.
    let line = "move (10) steps ".repeat(size / 16);
    let (_, d) = parse(&line);
    assert_eq!(d.len(), 1);
}

/// A fixed-seed generator of token soup: 2,000 programs, none may panic.
#[test]
fn syntax_fuzz_token_soup() {
    const PIECES: &[&str] = &[
        "(",
        ")",
        "<",
        ">",
        "[",
        "]",
        " v",
        " v]",
        "(10)",
        "[abc]",
        "<>",
        "()",
        "[]",
        "::",
        "// c",
        "\n",
        "\n\n",
        "  ",
        "end",
        "else",
        "define",
        "move",
        "steps",
        "if",
        "then",
        "repeat",
        "forever",
        "say",
        "when flag clicked",
        "set [x v] to",
        "(x)",
        "<(a) > (b)>",
        "#sprite A",
        "#variable x = 1",
        "#list l = [a]",
        "#stage",
        "#costume c",
        "移动",
        "步",
        "（",
        "）",
        "\\",
        "\"",
        "#",
        "=",
        "%",
        "%1",
        "?",
        ":",
        "x:",
        "🐱",
        "\u{0}",
        "\r",
        "\t",
        "…",
        "结束",
        "否则",
        "定义",
        "<key (space v) pressed?>",
        "change y by (1)",
        "(join [a] [b])",
        "@greenFlag",
    ];
    let mut state: u64 = 0x5eed_1234_abcd_0001;
    let mut next = move || {
        // xorshift64*
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    };
    // STARLING_FUZZ_CASES=200000 for a longer run.
    let cases = std::env::var("STARLING_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2000);
    for _ in 0..cases {
        let n = (next() % 60) as usize;
        let mut src = String::new();
        for _ in 0..n {
            let piece = PIECES[(next() % PIECES.len() as u64) as usize];
            src.push_str(piece);
            if next() % 3 == 0 {
                src.push(' ');
            }
        }
        let (p, d) = parse(&src);
        for d in &d {
            if let SourceLoc::Span { start, end } = d.loc {
                assert!(start <= end && end as usize <= src.len(), "{src:?}: {d:?}");
                assert!(src.is_char_boundary(start as usize) && src.is_char_boundary(end as usize));
            }
        }
        if !d.iter().any(Diagnostic::is_error) {
            check_invariants(&p);
        }
        // Printing and parsing again must not panic either.
        let _ = parse(&print(&p, Lang::En));
        let _ = parse(&print(&p, Lang::ZhCn));
    }
}

// ============================================================================================
// Printing
// ============================================================================================

const ROUND_TRIP: &[&str] = &[
    GAME_EN,
    GAME_ZH,
    "when green flag clicked\nforever\nif <key (space v) pressed?> then\nchange y by (10)\nend\nend",
    "go to (random position v)\nchange [color v] effect by (25)\nchange [pan left/right v] effect by (5)\nset instrument to ((2) Electric Piano v)\nplay drum (1 v) for (0.25) beats\nsay [text that ends in \\v]\nsay [a \\] b \\\\ c]\nsay []\nmove () steps\nswitch costume to ( v)\nsay ((((1) + (2))))",
    "add [apple] to [fruits v]\nsay (length of [fruits v])\nsay (length of [apple])\nsay <[fruits v] contains [apple]?>\nsay <[apple] contains [a]?>\nset pen color to [#ff0000]\nset pen color to (50)\nsay ([sqrt v] of (9))\nsay ([direction v] of (Cat v))\nsay ((Stage v) 的 [背景名称 v])\nsay (fruits :: list)\nset [x position v] to (1)\nsay (x position :: variables)\nsay (x position)",
    "when flag clicked\njump (10) times <mouse down?>\njump [x] times <>\nreset\n\ndefine jump (height) times <fast> // run without screen refresh\nrepeat (height)\nif <fast> then\nchange y by (height)\nend\nend\n\ndefine reset\ngo to x: (0) y: (0)\nstop [all v]",
    "when [timer v] > (10)\nwhen I receive [game over v]\nbroadcast (go v) and wait\nwhen backdrop switches to [Night Sky v]\nwhen [a v] key pressed\nwhen I start as a clone\ndelete this clone\nwhen this sprite clicked\nask [What's your name?] and wait\nsay (answer)\nset drag mode [not draggable v]\ngo [backward v] (2) layers\ngo to [back v] layer",
    "if <> then\nelse\nend\nrepeat until <<(a) > (1)> or <(a) < (-1)>>\nend\nsay (join [a] (letter (1) of [abc]))\nsay ((10) mod (3))\nsay (current [year v])\nsay (days since 2000)\nset [a v] to (1)",
    "#variable score = 0\n#variable name = \"Ada Lovelace\"\n#variable blank = []\n#variable spaced = [ x ]\n#list fruits = [apple] [banana split] [3] [a \\] b]\n#list empty\n#backdrop sky = sky.svg\n#stage tempo=90 volume=50 backdrop=night\n#backdrop night = night.png\n#sound theme = theme.mp3\nwhen flag clicked\nset [score v] to (0)\n#sprite \"Big Cat\" x=10 y=-20 direction=45 size=50 visible=no draggable=yes rotation=left-right costume=cat-b\n#costume cat-a = cat-a.svg\n#costume cat-b\n#sound pop = pop.wav\n#variable lives = 3\n#variable \"a = b\" = c\nwhen flag clicked\nchange [lives v] by (-1)\nsay (a = b)\n#sprite Dog rotation=don't-rotate\n#variable lives\nwhen this sprite clicked\nsay (lives)",
    MONITORS,
];

/// Monitors of every kind, in both sections, written in different ways.
const MONITORS: &str = "#variable score = 0\n#monitor score large x=5 y=5\n#variable speed\n#variable level\n#list things = [a]\n#monitor things list x=300 y=0 w=120 h=200\n#variable things\n#monitor things slider -10..10\n#monitor speed 滑杆 0..1.5 hidden\n#sprite Cat\n#variable \"my lives\" = 3\n#monitor my lives\n#list things\n#monitor things 列表 y=100 隐藏\n#sprite Dog\n#monitor level 大字 显示=否";

#[test]
fn syntax_print_round_trips() {
    for src in ROUND_TRIP {
        let (p, d) = parse(src);
        assert!(d.is_empty(), "{src}\n{:#?}", errors(&d));
        let p = without_locs(p);
        for lang in [Lang::En, Lang::ZhCn] {
            let text = print(&p, lang);
            let (q, d) = parse(&text);
            assert!(
                d.is_empty(),
                "printed ({lang:?}):\n{text}\n{:#?}",
                errors(&d)
            );
            let q = without_locs(q);
            assert_eq!(dump(&p), dump(&q), "printed ({lang:?}):\n{text}");
            assert_eq!(p, q, "printed ({lang:?}):\n{text}");
        }
    }
}

#[test]
fn syntax_print_writes_readable_text() {
    let (p, _) = parse("#variable score = 0\n#sprite Cat x=10\nwhen flag clicked\nforever\nif <key (space v) pressed?> then\nchange [score v] by (1)\nelse\nsay (join [score: ] (score))\nend\nend");
    assert_eq!(
        print(&p, Lang::En),
        "#stage\n#variable score = 0\n\n#sprite Cat x=10\n\nwhen green flag clicked\nforever\n  if <key (space v) pressed?> then\n    change [score v] by (1)\n  else\n    say (join [score: ] (score))\n  end\nend\n"
    );
    assert_eq!(
        print(&p, Lang::ZhCn),
        "#舞台\n#变量 score = 0\n\n#角色 Cat x=10\n\n当绿旗被点击\n重复执行\n  如果 <按下 (空格 v) 键?> 那么\n    将 [score v] 增加 (1)\n  否则\n    说 (连接 [score: ] 和 (score))\n  结束\n结束\n"
    );
}

// ============================================================================================
// IR invariants (ir.rs): checked on every program the tests parse without errors
// ============================================================================================

/// Panics unless `p` keeps the promises of `ir.rs`: one arg per spec arg (per parameter for
/// calls), one body per substack, valid variable/list slots and procedure indices, fields
/// filled with names or menu values.
#[track_caller]
fn check_invariants(p: &Project) {
    use crate::catalog::SlotKind;
    let stage = &p.targets[0].def;
    assert!(stage.is_stage);
    for m in &p.monitors {
        assert!(p.monitor_name(m).is_some(), "{m:?}");
        assert_eq!(m.is_list, m.mode == crate::ir::MonitorMode::List, "{m:?}");
    }
    for t in &p.targets {
        let slot_ok = |r: &VarRef, list: bool| {
            let (local, i) = (r.slot & LOCAL != 0, (r.slot & !LOCAL) as usize);
            let def = if local { &t.def } else { stage };
            assert!(!(local && t.def.is_stage), "stage has no local slots");
            let name = if list {
                def.lists.get(i).map(|l| &l.name)
            } else {
                def.variables.get(i).map(|v| &v.name)
            };
            assert_eq!(name, Some(&r.name), "slot {:x} of {}", r.slot, r.name);
        };
        fn walk(b: &Block, t: &crate::ir::Target, slot_ok: &dyn Fn(&VarRef, bool)) {
            if b.spec.opcode == "procedures_call" {
                let c = b.call.expect("call index") as usize;
                assert_eq!(b.args.len(), t.procedures[c].params.len());
            } else {
                assert_eq!(b.args.len(), b.spec.args.len(), "{}", b.spec.opcode);
                assert!(b.call.is_none());
            }
            assert_eq!(
                b.substacks.len(),
                b.spec.substacks as usize,
                "{}",
                b.spec.opcode
            );
            assert!(matches!(b.loc, SourceLoc::Span { .. }));
            for (i, a) in b.args.iter().enumerate() {
                let call = b.spec.opcode == "procedures_call";
                let kind = if call {
                    None
                } else {
                    b.spec.args.get(i).map(|s| s.kind)
                };
                match (kind, a) {
                    (Some(SlotKind::VariableField), a) => {
                        assert!(matches!(a, Arg::Var(_)), "{}", b.spec.opcode)
                    }
                    (Some(SlotKind::ListField), a) => {
                        assert!(matches!(a, Arg::List(_)), "{}", b.spec.opcode)
                    }
                    (Some(SlotKind::Field(_) | SlotKind::BroadcastField), a) => {
                        assert!(matches!(a, Arg::Literal(_)), "{}", b.spec.opcode)
                    }
                    _ => {}
                }
                match a {
                    Arg::Var(r) => slot_ok(r, false),
                    Arg::List(r) => slot_ok(r, true),
                    Arg::Expr(e) => match &**e {
                        Expr::Block(inner) => {
                            assert!(matches!(
                                inner.spec.shape,
                                crate::catalog::Shape::Reporter | crate::catalog::Shape::Boolean
                            ));
                            walk(inner, t, slot_ok)
                        }
                        Expr::Var(r) => slot_ok(r, false),
                        Expr::List(r) => slot_ok(r, true),
                        Expr::Param { .. } => {}
                    },
                    _ => {}
                }
            }
            for sub in &b.substacks {
                for s in sub {
                    assert!(!matches!(
                        s.spec.shape,
                        crate::catalog::Shape::Hat
                            | crate::catalog::Shape::Reporter
                            | crate::catalog::Shape::Boolean
                    ));
                    walk(s, t, slot_ok);
                }
            }
        }
        for s in &t.scripts {
            if let Some(h) = &s.hat {
                assert_eq!(h.spec.shape, crate::catalog::Shape::Hat);
                walk(h, t, &slot_ok);
            }
            for b in &s.body {
                walk(b, t, &slot_ok);
            }
        }
        for pr in &t.procedures {
            assert_eq!(pr.proccode.matches('%').count(), pr.params.len());
            for b in &pr.body {
                walk(b, t, &slot_ok);
            }
        }
    }
}

#[test]
fn syntax_ir_invariants_hold() {
    let mut sources: Vec<&str> = ROUND_TRIP.to_vec();
    sources.push("move [abc] steps\nsay (nothing)\nif (x) then\nend\nset [v v] to [1]");
    for src in sources {
        let (p, d) = parse(src);
        if !d.iter().any(Diagnostic::is_error) {
            check_invariants(&p);
        }
    }
}

/// The parser's IR goes through the code generator without internal errors.
#[test]
fn syntax_ir_compiles() {
    for src in ROUND_TRIP {
        let compiled = crate::compile_text(src);
        assert!(
            compiled.diagnostics.is_empty(),
            "{src}\n{:#?}",
            errors(&compiled.diagnostics)
        );
        assert!(compiled.program.is_some());
    }
}

/// The repository's example and benchmark programs parse cleanly and print back to the same
/// program in both languages.
#[test]
fn syntax_examples_parse_and_round_trip() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let mut seen = 0;
    for dir in ["examples", "bench"] {
        let Ok(entries) = std::fs::read_dir(format!("{root}/{dir}")) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if !path.to_string_lossy().ends_with(".sb.txt") {
                continue;
            }
            let Ok(src) = std::fs::read_to_string(&path) else {
                continue;
            };
            seen += 1;
            let (p, d) = parse(&src);
            assert!(d.is_empty(), "{}: {:#?}", path.display(), errors(&d));
            check_invariants(&p);
            let p = without_locs(p);
            for lang in [Lang::En, Lang::ZhCn] {
                let text = print(&p, lang);
                let (q, d) = parse(&text);
                assert!(
                    d.is_empty(),
                    "{} printed:\n{text}\n{:#?}",
                    path.display(),
                    errors(&d)
                );
                assert_eq!(p, without_locs(q), "{} printed:\n{text}", path.display());
            }
        }
    }
    assert!(seen > 0, "no example programs found");
}

/// Smaller promises of docs/text-format.md.
#[test]
fn syntax_documented_details() {
    assert_eq!(one("go to (_random_ v)"), "-: motion_goto([_random_])");
    assert_eq!(
        one("if on edge bounce\nIF ON EDGE, BOUNCE"),
        "-: motion_ifonedgebounce; motion_ifonedgebounce"
    );
    assert_eq!(
        one("set size to (50) %\nset size to (50)"),
        "-: looks_setsizeto([50]); looks_setsizeto([50])"
    );
    assert_eq!(
        one("when flag clicked\n// a comment line\nsay [a]"),
        "event_whenflagclicked: looks_say([a])"
    );
    // `:: custom` prefers the custom block over the catalog block with the same words.
    let (p, d) = parse("define show\nsay [mine]\n\nwhen flag clicked\nshow\nshow :: custom");
    assert!(d.is_empty(), "{:?}", errors(&d));
    assert_eq!(
        dump(&p).lines().last(),
        Some("Sprite1: event_whenflagclicked: looks_show; procedures_call#0")
    );
    // In the stage's section, `#costume` and `#sound` belong to the stage.
    let (p, d) = parse("#stage\n#costume sky\n#sound wind\n#sprite A\n#costume a");
    assert!(d.is_empty(), "{:?}", errors(&d));
    assert_eq!(p.targets[0].def.costumes[0].name, "sky");
    assert_eq!(p.targets[0].def.sounds[0].name, "wind");
    assert_eq!(p.targets[1].def.costumes[0].name, "a");
    // Scripts before the first #sprite of a project belong to the stage.
    let (p, _) = parse("when flag clicked\nsay [stage]\n#sprite A");
    assert_eq!(p.targets[0].scripts.len(), 1);
    // A variable's text is kept as written.
    let (p, _) = parse("#variable n = 007");
    assert_eq!(
        p.targets[0].def.variables[0].initial,
        starling_runtime::Value::from("007")
    );
}

#[test]
fn syntax_diag_sprite_only_blocks_on_the_stage() {
    let src = "#stage\nwhen green flag clicked\nmove (10) steps\nsay (x position)\ncreate clone of (myself v)\ncreate clone of (Cat v)\nerase all\nswitch backdrop to (next backdrop v)\n\nwhen this sprite clicked";
    let (_, d) = parse(src);
    // Warnings, not errors: Scratch 3 runs such stage scripts from converted Scratch 2 projects.
    assert!(
        d.iter().all(|d| d.severity == crate::Severity::Warning),
        "{d:?}"
    );
    let d: Vec<(String, &str)> = d
        .iter()
        .map(|d| (d.message.en.clone(), span_text(src, &d.loc)))
        .collect();
    assert_eq!(
        d,
        [
            (
                "In Scratch only sprites have “move (10) steps”; on the stage it may not do what you expect.".to_string(),
                "move (10) steps"
            ),
            (
                "In Scratch only sprites have “say (x position)”; on the stage it may not do what you expect.".to_string(),
                "say (x position)"
            ),
            (
                "In Scratch only sprites have “(x position)”; on the stage it may not do what you expect.".to_string(),
                "(x position)"
            ),
            (
                "The stage can't make clones of itself, so this block does nothing.".to_string(),
                "create clone of (myself v)"
            ),
            (
                "In Scratch only sprites have “when this sprite clicked”; on the stage it may not do what you expect.".to_string(),
                "when this sprite clicked"
            ),
        ]
    );
    ok("#sprite A\nmove (10) steps\nwhen this sprite clicked");
}

/// A variable called like a hidden block (`counter`) is the variable.
#[test]
fn syntax_variables_win_over_hidden_blocks() {
    assert_eq!(
        one("set [counter v] to (0)\nsay (counter)"),
        "-: data_setvariableto($counter:g0, [0]); looks_say($counter:g0)"
    );
    assert_eq!(one("say (counter)"), "-: looks_say(control_get_counter)");
    assert_eq!(
        one("say (item (last v) of [stack v])\ndelete (all v) of [stack v]"),
        "-: looks_say(data_itemoflist([last], @stack:g0)); data_deleteoflist([all], @stack:g0)"
    );
}

/// Real programs with random characters deleted, duplicated or swapped: 2,000 cases, no panic,
/// and whatever parses without errors keeps the IR's promises and prints back the same.
#[test]
fn syntax_fuzz_mutated_programs() {
    let mut state: u64 = 0x0dd_ba11_cafe_f00d;
    let mut next = move || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    };
    let bases: Vec<Vec<char>> = ROUND_TRIP.iter().map(|s| s.chars().collect()).collect();
    let cases = std::env::var("STARLING_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2000);
    for _ in 0..cases {
        let mut chars = bases[(next() % bases.len() as u64) as usize].clone();
        for _ in 0..1 + next() % 4 {
            if chars.is_empty() {
                break;
            }
            let i = (next() % chars.len() as u64) as usize;
            match next() % 3 {
                0 => {
                    chars.remove(i);
                }
                1 => {
                    let c = chars[i];
                    chars.insert(i, c);
                }
                _ => {
                    let j = (next() % chars.len() as u64) as usize;
                    chars.swap(i, j);
                }
            }
        }
        let src: String = chars.into_iter().collect();
        let (p, d) = parse(&src);
        if !d.iter().any(Diagnostic::is_error) {
            check_invariants(&p);
            let p = without_locs(p);
            let (q, d2) = parse(&print(&p, Lang::En));
            if !d2.iter().any(Diagnostic::is_error) {
                assert_eq!(dump(&p), dump(&without_locs(q)), "{src}");
            }
        }
    }
}

/// Lines as they appear on Scratch Wiki pages.
#[test]
fn syntax_wiki_lines() {
    let src = "when this sprite clicked
say [Hello!] for (2) seconds
switch costume to [costume2 v]
if <touching [mouse-pointer v]?> then
play sound [meow v] until done
end
ask [What's your name?] and wait
say (join [Hello ] (answer))
go to x: (pick random (-240) to (240)) y: (0)
glide (1) secs to x: (0) y: (0)
next costume
wait (0.5) seconds
set [my variable v] to [0]
change [my variable v] by (1)
show variable [my variable v]
repeat until <(my variable) = [10]>
turn right (15) degrees
end
if <<mouse down?> and <touching color [#ff0000]?>> then
set [ghost v] effect to (50)
end
point towards [mouse-pointer v]
create clone of [myself v]
broadcast [start v] and wait
go to [front v] layer
play note (60) for (0.5) beats
pen down
change pen (color v) by (10)
set pen size to (5)";
    let (p, d) = parse(src);
    assert!(d.is_empty(), "{:#?}", errors(&d));
    let script = &p.targets[1].scripts[0];
    assert_eq!(script.body.len(), 22, "{}", dump(&p));
}

// ============================================================================================
// Monitors (`#monitor`)
// ============================================================================================

fn monitor(target: u32, index: u32, is_list: bool, mode: MonitorMode) -> MonitorDef {
    MonitorDef {
        target,
        index,
        is_list,
        mode,
        x: None,
        y: None,
        width: 0.0,
        height: 0.0,
        visible: true,
    }
}

#[test]
fn syntax_monitors() {
    let (p, d) = parse(MONITORS);
    assert!(d.is_empty(), "{:#?}", errors(&d));
    use MonitorMode::*;
    let slider = |min, max, discrete| Slider { min, max, discrete };
    assert_eq!(
        p.monitors,
        [
            // Sorted by target, variables before lists, in declaration order.
            MonitorDef {
                x: Some(5.0),
                y: Some(5.0),
                ..monitor(0, 0, false, Large)
            },
            MonitorDef {
                visible: false,
                // A decimal point makes the slider move in fractions, as in Scratch.
                ..monitor(0, 1, false, slider(0.0, 1.5, false))
            },
            // From the Dog's section: the global `level`, so it belongs to the stage.
            MonitorDef {
                visible: false,
                ..monitor(0, 2, false, Large)
            },
            // `things` is a variable and a list: the variable unless `list` is written.
            monitor(0, 3, false, slider(-10.0, 10.0, true)),
            MonitorDef {
                x: Some(300.0),
                y: Some(0.0),
                width: 120.0,
                height: 200.0,
                ..monitor(0, 0, true, List)
            },
            // An unquoted name may have blanks.
            monitor(1, 0, false, Normal),
            // A sprite's section finds its own first.
            MonitorDef {
                y: Some(100.0),
                visible: false,
                ..monitor(1, 0, true, List)
            },
        ]
    );
    let program = crate::compile_text(MONITORS).program.expect("compiles");
    assert_eq!(program.monitors, p.monitors);
}

#[test]
fn syntax_monitors_in_a_snippet_show_automatic_variables() {
    // The variable is made by the block that sets it; the monitor may come first.
    let (p, d) = parse("#monitor score large\n#monitor fruits\nwhen flag clicked\nset [score v] to (1)\nadd [x] to [fruits v]");
    assert!(d.is_empty(), "{:#?}", errors(&d));
    assert_eq!(
        p.monitors,
        [
            monitor(0, 0, false, MonitorMode::Large),
            monitor(0, 0, true, MonitorMode::List)
        ]
    );
}

#[test]
fn syntax_print_writes_monitors_after_their_declarations() {
    let (p, d) = parse(MONITORS);
    assert!(d.is_empty(), "{:#?}", errors(&d));
    assert_eq!(
        print(&p, Lang::En),
        "#stage\n#variable score = 0\n#monitor score large x=5 y=5\n#variable speed\n#monitor speed slider 0..1.5 hidden\n#variable level\n#monitor level large hidden\n#variable things\n#monitor things slider -10..10\n#list things = [a]\n#monitor things list x=300 y=0 w=120 h=200\n\n#sprite Cat\n#variable my lives = 3\n#monitor \"my lives\"\n#list things\n#monitor things y=100 hidden\n\n#sprite Dog\n"
    );
    assert_eq!(
        print(&p, Lang::ZhCn),
        "#舞台\n#变量 score = 0\n#监视器 score 大字 x=5 y=5\n#变量 speed\n#监视器 speed 滑杆 0..1.5 隐藏\n#变量 level\n#监视器 level 大字 隐藏\n#变量 things\n#监视器 things 滑杆 -10..10\n#列表 things = [a]\n#监视器 things 列表 x=300 y=0 宽=120 高=200\n\n#角色 Cat\n#变量 my lives = 3\n#监视器 \"my lives\"\n#列表 things\n#监视器 things y=100 隐藏\n\n#角色 Dog\n"
    );
    // A slider in fractions between whole numbers keeps a decimal point.
    let mut q = p.clone();
    q.monitors[0].mode = MonitorMode::Slider {
        min: 0.0,
        max: 10.0,
        discrete: false,
    };
    assert!(print(&q, Lang::En).contains("#monitor score slider 0..10.0 x=5 y=5\n"));
    let (r, d) = parse(&print(&q, Lang::En));
    assert!(d.is_empty(), "{:#?}", errors(&d));
    assert_eq!(r.monitors, q.monitors);
}

#[test]
fn syntax_diag_monitors() {
    let d = only("#sprite Cat\n#variable lives\n#monitor live");
    assert_eq!(
        d.message.en,
        "There is no variable or list called “live” to show in a monitor."
    );
    assert_eq!(
        d.hint.as_ref().map(|h| h.en.as_str()),
        Some("Did you mean “lives”?")
    );
    let d = only("#sprite Cat\n#monitor score");
    assert_eq!(
        d.hint.as_ref().map(|h| h.en.as_str()),
        Some("Add the line “#variable score = 0” to this section to make the variable.")
    );
    assert_eq!(
        d.hint.as_ref().map(|h| h.zh.as_str()),
        Some("在这一部分加一行“#变量 score = 0”来建立这个变量。")
    );
    let d = only("#sprite Cat\n#monitor bag list");
    assert!(
        d.hint.as_ref().is_some_and(|h| h.en.contains("#list bag")),
        "{d:?}"
    );
    // A sprite's own variables are not seen from another sprite's section.
    let d = only("#sprite Cat\n#variable lives\n#sprite Dog\n#monitor lives");
    assert!(d.message.en.contains("no variable or list called “lives”"));
    let src = "#variable n\n#list l\n#monitor l large";
    let d = only(src);
    assert_eq!(
        d.message.en,
        "“l” is a list: its monitor always shows the whole list."
    );
    assert_eq!(span_text(src, &d.loc), "l");
    let d = only("#variable n\n#monitor n list");
    assert_eq!(d.message.en, "“n” is a variable, not a list.");
    let src = "#variable my score\n#monitor my score\n#monitor \"my score\" large";
    let d = only(src);
    assert_eq!(d.message.en, "“my score” already has a monitor.");
    assert_eq!(span_text(src, &d.loc), "\"my score\"");
    let src = "#variable n\n#monitor n huge x=5";
    let d = only(src);
    assert_eq!(
        d.message.en,
        "I don't understand “huge” in a #monitor line."
    );
    assert_eq!(span_text(src, &d.loc), "huge");
    assert!(d
        .hint
        .as_ref()
        .is_some_and(|h| h.en.contains("slider 0..100")));
    for (line, bad) in [
        ("#monitor n x=500", "“500” is not a good value for x"),
        ("#monitor n y=-1", "“-1” is not a good value for y"),
        ("#monitor n w=wide", "“wide” is not a good value for w"),
        ("#monitor n 宽=-3", "“-3” is not a good value for 宽"),
        (
            "#monitor n slider 0..ten",
            "“0..ten” is not a good value for slider",
        ),
        (
            "#monitor n visible=maybe",
            "“maybe” is not a good value for visible",
        ),
        ("#monitor n size=3", "I don't understand “size=3”"),
    ] {
        let d = only(&format!("#variable n\n{line}"));
        assert!(d.message.en.starts_with(bad), "{line}: {}", d.message.en);
    }
    let d = only("#monitor");
    assert!(d.message.en.contains("needs a name"));
    let d = only("#monitr n");
    assert!(d
        .hint
        .as_ref()
        .is_some_and(|h| h.en.contains("#monitor") && h.zh.contains("#监视器")));
    // Every monitor message is in both languages.
    let (_, d) = parse("#variable n\n#list l\n#monitor x\n#monitor l large\n#monitor n list\n#monitor n huge\n#monitor n x=-1\n#monitor n\n#monitor n");
    assert_eq!(d.len(), 6, "{:#?}", errors(&d));
    for d in &d {
        assert!(matcher::is_chinese(&d.message.zh), "{}", d.message.zh);
        assert!(
            d.hint.as_ref().is_some_and(|h| matcher::is_chinese(&h.zh)),
            "{d:?}"
        );
    }
}

/// Many `#monitor` lines for many variables stay linear.
#[test]
fn syntax_many_monitors_are_fast() {
    let mut src = String::new();
    for i in 0..20_000 {
        src.push_str(&format!(
            "#variable v{i}\n#monitor v{i} slider 0..{i} x=1 y=2\n"
        ));
    }
    for i in 0..20_000 {
        src.push_str(&format!("#monitor missing{i}\n"));
    }
    let start = std::time::Instant::now();
    let (p, d) = parse(&src);
    assert_eq!(p.monitors.len(), 20_000);
    assert!(d.len() <= MAX_DIAGNOSTICS + 1);
    // One line with a name of 200,000 words, and one with a name of a million letters.
    let long = format!(
        "#variable v\n#monitor v {}\n#monitor {} large",
        "w ".repeat(200_000),
        "n".repeat(1_000_000)
    );
    let (p, d) = parse(&long);
    assert!(p.monitors.is_empty());
    assert_eq!(d.len(), 2, "{:?}", errors(&d));
    assert!(start.elapsed().as_secs() < 20, "{:?}", start.elapsed());
}
