//! The table of every block and menu Starling knows.
//!
//! Names, inputs, fields, menus and defaults follow scratch-blocks (`blocks_vertical/*.js`),
//! scratch-gui (`make-toolbox-xml.js`, `blocks.js`) and scratch-vm (`src/blocks`,
//! `src/extensions/scratch3_{pen,music}`). English templates are the Scratch 3 block texts as
//! scratchblocks and the Scratch Wiki write them. Chinese templates are scratchblocks' `zh-cn`
//! locale where it has the block (that is what Chinese curriculum pages write), otherwise
//! scratch-l10n's `editor/blocks/zh-cn.json` and `editor/extensions/zh-cn.json`.
//!
//! Shadow blocks (the values that sit in inputs: `math_number`, `motion_goto_menu`, …) are listed
//! at the end of [`BLOCKS`] and named in [`SHADOW_OPCODES`]. Each has the template `%1` and one
//! argument: the field that holds its value. For menu shadows that argument is a
//! [`SlotKind::Field`] with the menu; for literal shadows (`math_number`, `text`, `colour_picker`,
//! `note`) its kind is the kind of literal it holds (`NUM` of `math_number` is
//! [`SlotKind::Number`]), even though in the shadow block itself it is a field.

use super::{
    ArgSpec, BlockSpec, Category, Category::*, DynamicMenu, MenuId, MenuOption, MenuSpec, Shape,
    SlotKind, Status,
};

// ---------------------------------------------------------------------------------------------
// Helpers that keep each entry on one or two lines.
// ---------------------------------------------------------------------------------------------

const fn arg(name: &'static str, kind: SlotKind, default: &'static str) -> ArgSpec {
    ArgSpec {
        name,
        kind,
        default,
    }
}

/// A number input (`math_number` shadow).
const fn num(name: &'static str, default: &'static str) -> ArgSpec {
    arg(name, SlotKind::Number, default)
}

/// A positive number input (`math_positive_number` shadow).
const fn positive(name: &'static str, default: &'static str) -> ArgSpec {
    arg(name, SlotKind::PositiveNumber, default)
}

/// A whole number input (`math_whole_number` shadow).
const fn whole(name: &'static str, default: &'static str) -> ArgSpec {
    arg(name, SlotKind::WholeNumber, default)
}

/// An integer input (`math_integer` shadow).
const fn int(name: &'static str, default: &'static str) -> ArgSpec {
    arg(name, SlotKind::Integer, default)
}

/// An angle input (`math_angle` shadow).
const fn angle(name: &'static str, default: &'static str) -> ArgSpec {
    arg(name, SlotKind::Angle, default)
}

/// A text input (`text` shadow).
const fn text(name: &'static str, default: &'static str) -> ArgSpec {
    arg(name, SlotKind::Text, default)
}

/// A colour input (`colour_picker` shadow).
const fn color(name: &'static str, default: &'static str) -> ArgSpec {
    arg(name, SlotKind::Color, default)
}

/// A boolean input: an empty hexagonal slot, no shadow.
const fn cond(name: &'static str) -> ArgSpec {
    arg(name, SlotKind::Boolean, "")
}

/// A dropdown field with a menu from [`MENUS`].
const fn field(name: &'static str, menu: &'static str, default: &'static str) -> ArgSpec {
    arg(name, SlotKind::Field(MenuId(menu)), default)
}

/// An input whose shadow is a menu block; `kind` is one of the `*_IN` constants below.
const fn menu_in(name: &'static str, kind: SlotKind, default: &'static str) -> ArgSpec {
    arg(name, kind, default)
}

/// The `VARIABLE` field naming a variable.
const VAR: ArgSpec = arg("VARIABLE", SlotKind::VariableField, "my variable");
/// The `LIST` field naming a list.
const LIST: ArgSpec = arg("LIST", SlotKind::ListField, "my list");
/// The `BROADCAST_INPUT` input of `broadcast` and `broadcast and wait`.
const BROADCAST_IN: ArgSpec = arg("BROADCAST_INPUT", SlotKind::BroadcastInput, "message1");

const fn menu_input(
    shadow_opcode: &'static str,
    shadow_field: &'static str,
    menu: &'static str,
) -> SlotKind {
    SlotKind::MenuInput {
        shadow_opcode,
        shadow_field,
        menu: MenuId(menu),
    }
}

// Inputs whose shadow is a menu block: (shadow opcode, field of the shadow, menu).
const GOTO_IN: SlotKind = menu_input("motion_goto_menu", "TO", "goto");
const GLIDETO_IN: SlotKind = menu_input("motion_glideto_menu", "TO", "glideto");
const POINTTOWARDS_IN: SlotKind = menu_input("motion_pointtowards_menu", "TOWARDS", "pointtowards");
const COSTUME_IN: SlotKind = menu_input("looks_costume", "COSTUME", "costume");
const BACKDROP_IN: SlotKind = menu_input("looks_backdrops", "BACKDROP", "backdrop");
const SOUND_IN: SlotKind = menu_input("sound_sounds_menu", "SOUND_MENU", "sound");
const EVENT_TOUCHING_IN: SlotKind =
    menu_input("event_touchingobjectmenu", "TOUCHINGOBJECTMENU", "touching");
const CLONE_IN: SlotKind = menu_input("control_create_clone_of_menu", "CLONE_OPTION", "clone");
const TOUCHING_IN: SlotKind = menu_input(
    "sensing_touchingobjectmenu",
    "TOUCHINGOBJECTMENU",
    "touching",
);
const DISTANCE_IN: SlotKind = menu_input("sensing_distancetomenu", "DISTANCETOMENU", "distance_to");
const KEY_IN: SlotKind = menu_input("sensing_keyoptions", "KEY_OPTION", "key");
const OF_OBJECT_IN: SlotKind = menu_input("sensing_of_object_menu", "OBJECT", "of_object");
const PEN_PARAM_IN: SlotKind = menu_input("pen_menu_colorParam", "colorParam", "pen_color_param");
const DRUM_IN: SlotKind = menu_input("music_menu_DRUM", "DRUM", "drum");
const INSTRUMENT_IN: SlotKind = menu_input("music_menu_INSTRUMENT", "INSTRUMENT", "instrument");
/// The `custom_block` input of `define`: its shadow is the `procedures_prototype` block, which
/// keeps the custom block's text and arguments in its mutation (it has no field, hence `""`).
const PROTOTYPE_IN: SlotKind = menu_input("procedures_prototype", "", "procedure");

const fn block(
    opcode: &'static str,
    category: Category,
    shape: Shape,
    en: &'static str,
    zh: &'static str,
    args: &'static [ArgSpec],
) -> BlockSpec {
    BlockSpec {
        opcode,
        category,
        shape,
        en,
        zh,
        args,
        substacks: 0,
        status: Status::Palette,
    }
}

const fn hat(
    opcode: &'static str,
    category: Category,
    en: &'static str,
    zh: &'static str,
    args: &'static [ArgSpec],
) -> BlockSpec {
    block(opcode, category, Shape::Hat, en, zh, args)
}

const fn stack(
    opcode: &'static str,
    category: Category,
    en: &'static str,
    zh: &'static str,
    args: &'static [ArgSpec],
) -> BlockSpec {
    block(opcode, category, Shape::Stack, en, zh, args)
}

const fn cap(
    opcode: &'static str,
    category: Category,
    en: &'static str,
    zh: &'static str,
    args: &'static [ArgSpec],
) -> BlockSpec {
    block(opcode, category, Shape::Cap, en, zh, args)
}

/// A C block with one substack (`SUBSTACK`); add `.substacks(2)` for `if … else`.
const fn c_block(
    opcode: &'static str,
    category: Category,
    en: &'static str,
    zh: &'static str,
    args: &'static [ArgSpec],
) -> BlockSpec {
    block(opcode, category, Shape::C, en, zh, args).substacks(1)
}

const fn reporter(
    opcode: &'static str,
    category: Category,
    en: &'static str,
    zh: &'static str,
    args: &'static [ArgSpec],
) -> BlockSpec {
    block(opcode, category, Shape::Reporter, en, zh, args)
}

const fn boolean(
    opcode: &'static str,
    category: Category,
    en: &'static str,
    zh: &'static str,
    args: &'static [ArgSpec],
) -> BlockSpec {
    block(opcode, category, Shape::Boolean, en, zh, args)
}

/// A shadow block: a hidden reporter `%1` whose one argument is the field holding its value.
const fn shadow(opcode: &'static str, category: Category, value: &'static [ArgSpec]) -> BlockSpec {
    block(opcode, category, Shape::Reporter, "%1", "%1", value).hidden()
}

impl BlockSpec {
    const fn hidden(self) -> BlockSpec {
        BlockSpec {
            status: Status::Hidden,
            ..self
        }
    }

    const fn noop(self) -> BlockSpec {
        BlockSpec {
            status: Status::NoOp,
            ..self
        }
    }

    const fn substacks(self, substacks: u8) -> BlockSpec {
        BlockSpec { substacks, ..self }
    }
}

// ---------------------------------------------------------------------------------------------
// Blocks
// ---------------------------------------------------------------------------------------------

/// Every block: the executable ones by category in palette order, then the shadow blocks.
// One entry per block reads better than what rustfmt would make of these calls.
#[rustfmt::skip]
pub static BLOCKS: &[BlockSpec] = &[
    // --- Motion -------------------------------------------------------------------------------
    stack("motion_movesteps", Motion, "move %1 steps", "移动 %1 步", &[num("STEPS", "10")]),
    stack("motion_turnright", Motion, "turn right %1 degrees", "右转 %1 度",
        &[num("DEGREES", "15")]),
    stack("motion_turnleft", Motion, "turn left %1 degrees", "左转 %1 度", &[num("DEGREES", "15")]),
    stack("motion_goto", Motion, "go to %1", "移到 %1", &[menu_in("TO", GOTO_IN, "_random_")]),
    stack("motion_gotoxy", Motion, "go to x: %1 y: %2", "移到 x: %1 y: %2",
        &[num("X", "0"), num("Y", "0")]),
    stack("motion_glideto", Motion, "glide %1 secs to %2", "在 %1 秒内滑行到 %2",
        &[num("SECS", "1"), menu_in("TO", GLIDETO_IN, "_random_")]),
    stack("motion_glidesecstoxy", Motion, "glide %1 secs to x: %2 y: %3",
        "在 %1 秒内滑行到 x: %2 y: %3", &[num("SECS", "1"), num("X", "0"), num("Y", "0")]),
    stack("motion_pointindirection", Motion, "point in direction %1", "面向 %1 方向",
        &[angle("DIRECTION", "90")]),
    stack("motion_pointtowards", Motion, "point towards %1", "面向 %1",
        &[menu_in("TOWARDS", POINTTOWARDS_IN, "_mouse_")]),
    stack("motion_changexby", Motion, "change x by %1", "将x坐标增加 %1", &[num("DX", "10")]),
    stack("motion_setx", Motion, "set x to %1", "将x坐标设为 %1", &[num("X", "0")]),
    stack("motion_changeyby", Motion, "change y by %1", "将y坐标增加 %1", &[num("DY", "10")]),
    stack("motion_sety", Motion, "set y to %1", "将y坐标设为 %1", &[num("Y", "0")]),
    stack("motion_ifonedgebounce", Motion, "if on edge, bounce", "碰到边缘就反弹", &[]),
    stack("motion_setrotationstyle", Motion, "set rotation style %1", "将旋转方式设为 %1",
        &[field("STYLE", "rotation_style", "left-right")]),
    reporter("motion_xposition", Motion, "x position", "x 坐标", &[]),
    reporter("motion_yposition", Motion, "y position", "y 坐标", &[]),
    reporter("motion_direction", Motion, "direction", "方向", &[]),
    // Scratch 2 scrolling blocks: loaded and kept, do nothing.
    stack("motion_scroll_right", Motion, "scroll right %1", "向右滚动 %1", &[num("DISTANCE", "10")])
        .noop(),
    stack("motion_scroll_up", Motion, "scroll up %1", "向上滚动 %1",
        &[num("DISTANCE", "10")]).noop(),
    stack("motion_align_scene", Motion, "align scene %1", "和场景 %1 对齐",
        &[field("ALIGNMENT", "align_scene", "bottom-left")]).noop(),
    reporter("motion_xscroll", Motion, "x scroll", "x滚动位置", &[]).noop(),
    reporter("motion_yscroll", Motion, "y scroll", "y滚动位置", &[]).noop(),
    // --- Looks --------------------------------------------------------------------------------
    stack("looks_sayforsecs", Looks, "say %1 for %2 seconds", "说 %1 %2 秒",
        &[text("MESSAGE", "Hello!"), num("SECS", "2")]),
    stack("looks_say", Looks, "say %1", "说 %1", &[text("MESSAGE", "Hello!")]),
    stack("looks_thinkforsecs", Looks, "think %1 for %2 seconds", "思考 %1 %2 秒",
        &[text("MESSAGE", "Hmm..."), num("SECS", "2")]),
    stack("looks_think", Looks, "think %1", "思考 %1", &[text("MESSAGE", "Hmm...")]),
    stack("looks_switchcostumeto", Looks, "switch costume to %1", "换成 %1 造型",
        &[menu_in("COSTUME", COSTUME_IN, "costume1")]),
    stack("looks_nextcostume", Looks, "next costume", "下一个造型", &[]),
    stack("looks_switchbackdropto", Looks, "switch backdrop to %1", "换成 %1 背景",
        &[menu_in("BACKDROP", BACKDROP_IN, "backdrop1")]),
    stack("looks_switchbackdroptoandwait", Looks, "switch backdrop to %1 and wait",
        "换成 %1 背景并等待", &[menu_in("BACKDROP", BACKDROP_IN, "backdrop1")]),
    stack("looks_nextbackdrop", Looks, "next backdrop", "下一个背景", &[]),
    stack("looks_changesizeby", Looks, "change size by %1", "将大小增加 %1",
        &[num("CHANGE", "10")]),
    stack("looks_setsizeto", Looks, "set size to %1 %", "将大小设为 %1", &[num("SIZE", "100")]),
    stack("looks_changeeffectby", Looks, "change %1 effect by %2", "将 %1 特效增加 %2",
        &[field("EFFECT", "graphic_effect", "COLOR"), num("CHANGE", "25")]),
    stack("looks_seteffectto", Looks, "set %1 effect to %2", "将 %1 特效设定为 %2",
        &[field("EFFECT", "graphic_effect", "COLOR"), num("VALUE", "0")]),
    stack("looks_cleargraphiceffects", Looks, "clear graphic effects", "清除图形特效", &[]),
    stack("looks_show", Looks, "show", "显示", &[]),
    stack("looks_hide", Looks, "hide", "隐藏", &[]),
    stack("looks_gotofrontback", Looks, "go to %1 layer", "移到最 %1",
        &[field("FRONT_BACK", "front_back", "front")]),
    stack("looks_goforwardbackwardlayers", Looks, "go %1 %2 layers", "%1 %2 层",
        &[field("FORWARD_BACKWARD", "forward_backward", "forward"), int("NUM", "1")]),
    reporter("looks_costumenumbername", Looks, "costume %1", "造型 %1",
        &[field("NUMBER_NAME", "number_name", "number")]),
    reporter("looks_backdropnumbername", Looks, "backdrop %1", "背景 %1",
        &[field("NUMBER_NAME", "number_name", "number")]),
    reporter("looks_size", Looks, "size", "大小", &[]),
    // Scratch 2 blocks: loaded and kept, do nothing.
    stack("looks_hideallsprites", Looks, "hide all sprites", "隐藏所有角色", &[]).noop(),
    stack("looks_changestretchby", Looks, "change stretch by %1", "伸缩%1", &[num("CHANGE", "10")])
        .noop(),
    stack("looks_setstretchto", Looks, "set stretch to %1 %", "设置伸缩为%1 %",
        &[num("STRETCH", "100")]).noop(),
    // --- Sound --------------------------------------------------------------------------------
    stack("sound_playuntildone", Sound, "play sound %1 until done", "播放声音 %1 等待播完",
        &[menu_in("SOUND_MENU", SOUND_IN, "Meow")]),
    stack("sound_play", Sound, "start sound %1", "播放声音 %1",
        &[menu_in("SOUND_MENU", SOUND_IN, "Meow")]),
    stack("sound_stopallsounds", Sound, "stop all sounds", "停止所有声音", &[]),
    stack("sound_changeeffectby", Sound, "change %1 effect by %2", "将 %1 音效增加 %2",
        &[field("EFFECT", "sound_effect", "PITCH"), num("VALUE", "10")]),
    stack("sound_seteffectto", Sound, "set %1 effect to %2", "将 %1 音效设为 %2",
        &[field("EFFECT", "sound_effect", "PITCH"), num("VALUE", "100")]),
    stack("sound_cleareffects", Sound, "clear sound effects", "清除音效", &[]),
    stack("sound_changevolumeby", Sound, "change volume by %1", "将音量增加 %1",
        &[num("VOLUME", "-10")]),
    stack("sound_setvolumeto", Sound, "set volume to %1 %", "将音量设为 %1%",
        &[num("VOLUME", "100")]),
    reporter("sound_volume", Sound, "volume", "音量", &[]),
    // --- Events -------------------------------------------------------------------------------
    hat("event_whenflagclicked", Events, "when green flag clicked", "当绿旗被点击", &[]),
    hat("event_whenkeypressed", Events, "when %1 key pressed", "当按下 %1 键",
        &[field("KEY_OPTION", "key", "space")]),
    hat("event_whenthisspriteclicked", Events, "when this sprite clicked", "当角色被点击", &[]),
    hat("event_whenstageclicked", Events, "when stage clicked", "当舞台被点击", &[]),
    hat("event_whenbackdropswitchesto", Events, "when backdrop switches to %1", "当背景换成 %1",
        &[field("BACKDROP", "backdrop_name", "backdrop1")]),
    hat("event_whengreaterthan", Events, "when %1 > %2", "当 %1 > %2",
        &[field("WHENGREATERTHANMENU", "when_greater_than", "LOUDNESS"), num("VALUE", "10")]),
    hat("event_whenbroadcastreceived", Events, "when I receive %1", "当接收到 %1",
        &[arg("BROADCAST_OPTION", SlotKind::BroadcastField, "message1")]),
    // In scratch-vm but not in the Scratch 3 palette.
    hat("event_whentouchingobject", Events, "when this sprite touches %1", "当该角色碰到 %1",
        &[menu_in("TOUCHINGOBJECTMENU", EVENT_TOUCHING_IN, "_mouse_")]).hidden(),
    stack("event_broadcast", Events, "broadcast %1", "广播 %1", &[BROADCAST_IN]),
    stack("event_broadcastandwait", Events, "broadcast %1 and wait", "广播 %1 并等待",
        &[BROADCAST_IN]),
    // --- Control ------------------------------------------------------------------------------
    stack("control_wait", Control, "wait %1 seconds", "等待 %1 秒", &[positive("DURATION", "1")]),
    c_block("control_repeat", Control, "repeat %1", "重复执行 %1 次", &[whole("TIMES", "10")]),
    // A C block that ends its stack: Shape::Cap with one substack.
    cap("control_forever", Control, "forever", "重复执行", &[]).substacks(1),
    c_block("control_if", Control, "if %1 then", "如果 %1 那么", &[cond("CONDITION")]),
    // `else` (否则) between the two substacks is written by the parser and printer.
    c_block("control_if_else", Control, "if %1 then", "如果 %1 那么", &[cond("CONDITION")])
        .substacks(2),
    stack("control_wait_until", Control, "wait until %1", "等待 %1", &[cond("CONDITION")]),
    c_block("control_repeat_until", Control, "repeat until %1", "重复执行直到 %1",
        &[cond("CONDITION")]),
    // A cap, except that `other scripts in sprite` lets a block follow (as in Scratch).
    cap("control_stop", Control, "stop %1", "停止 %1", &[field("STOP_OPTION", "stop", "all")]),
    hat("control_start_as_clone", Control, "when I start as a clone", "当作为克隆体启动时", &[]),
    stack("control_create_clone_of", Control, "create clone of %1", "克隆 %1",
        &[menu_in("CLONE_OPTION", CLONE_IN, "_myself_")]),
    cap("control_delete_this_clone", Control, "delete this clone", "删除此克隆体", &[]),
    // In scratch-vm and scratch-blocks but not in the palette.
    c_block("control_while", Control, "while %1", "当 %1 重复执行", &[cond("CONDITION")]).hidden(),
    c_block("control_for_each", Control, "for each %1 in %2", "对于 %2 中的每个 %1",
        &[VAR, text("VALUE", "10")]).hidden(),
    reporter("control_get_counter", Control, "counter", "计数器", &[]).hidden(),
    stack("control_incr_counter", Control, "increment counter", "计数器加一", &[]).hidden(),
    stack("control_clear_counter", Control, "clear counter", "计数器归零", &[]).hidden(),
    c_block("control_all_at_once", Control, "all at once", "所有脚本", &[]).hidden(),
    // --- Sensing ------------------------------------------------------------------------------
    boolean("sensing_touchingobject", Sensing, "touching %1?", "碰到 %1 ?",
        &[menu_in("TOUCHINGOBJECTMENU", TOUCHING_IN, "_mouse_")]),
    boolean("sensing_touchingcolor", Sensing, "touching color %1?", "碰到颜色 %1 ?",
        &[color("COLOR", "#9966ff")]),
    boolean("sensing_coloristouchingcolor", Sensing, "color %1 is touching %2?",
        "颜色 %1 碰到 %2 ?",
        &[color("COLOR", "#9966ff"), color("COLOR2", "#ffab19")]),
    reporter("sensing_distanceto", Sensing, "distance to %1", "到 %1 的距离",
        &[menu_in("DISTANCETOMENU", DISTANCE_IN, "_mouse_")]),
    stack("sensing_askandwait", Sensing, "ask %1 and wait", "询问 %1 并等待",
        &[text("QUESTION", "What's your name?")]),
    reporter("sensing_answer", Sensing, "answer", "回答", &[]),
    boolean("sensing_keypressed", Sensing, "key %1 pressed?", "按下 %1 键?",
        &[menu_in("KEY_OPTION", KEY_IN, "space")]),
    boolean("sensing_mousedown", Sensing, "mouse down?", "按下鼠标?", &[]),
    reporter("sensing_mousex", Sensing, "mouse x", "鼠标的x坐标", &[]),
    reporter("sensing_mousey", Sensing, "mouse y", "鼠标的y坐标", &[]),
    stack("sensing_setdragmode", Sensing, "set drag mode %1", "将拖动模式设为 %1",
        &[field("DRAG_MODE", "drag_mode", "draggable")]),
    reporter("sensing_loudness", Sensing, "loudness", "响度", &[]),
    reporter("sensing_timer", Sensing, "timer", "计时器", &[]),
    stack("sensing_resettimer", Sensing, "reset timer", "计时器归零", &[]),
    reporter("sensing_of", Sensing, "%1 of %2", "%2 的 %1",
        &[
            field("PROPERTY", "of_property", "backdrop #"),
            menu_in("OBJECT", OF_OBJECT_IN, "_stage_"),
        ]),
    reporter("sensing_current", Sensing, "current %1", "当前时间的 %1",
        &[field("CURRENTMENU", "current", "YEAR")]),
    reporter("sensing_dayssince2000", Sensing, "days since 2000", "2000年至今的天数", &[]),
    reporter("sensing_username", Sensing, "username", "用户名", &[]),
    // In scratch-vm but not in the palette.
    boolean("sensing_loud", Sensing, "loud?", "响声？", &[]).hidden(),
    reporter("sensing_userid", Sensing, "user id", "用户id", &[]).hidden(),
    // --- Operators ----------------------------------------------------------------------------
    reporter("operator_add", Operators, "%1 + %2", "%1 + %2", &[num("NUM1", ""), num("NUM2", "")]),
    reporter("operator_subtract", Operators, "%1 - %2", "%1 - %2",
        &[num("NUM1", ""), num("NUM2", "")]),
    reporter("operator_multiply", Operators, "%1 * %2", "%1 * %2",
        &[num("NUM1", ""), num("NUM2", "")]),
    reporter("operator_divide", Operators, "%1 / %2", "%1 / %2",
        &[num("NUM1", ""), num("NUM2", "")]),
    reporter("operator_random", Operators, "pick random %1 to %2", "在 %1 和 %2 之间取随机数",
        &[num("FROM", "1"), num("TO", "10")]),
    boolean("operator_gt", Operators, "%1 > %2", "%1 > %2",
        &[text("OPERAND1", ""), text("OPERAND2", "50")]),
    boolean("operator_lt", Operators, "%1 < %2", "%1 < %2",
        &[text("OPERAND1", ""), text("OPERAND2", "50")]),
    boolean("operator_equals", Operators, "%1 = %2", "%1 = %2",
        &[text("OPERAND1", ""), text("OPERAND2", "50")]),
    boolean("operator_and", Operators, "%1 and %2", "%1 与 %2",
        &[cond("OPERAND1"), cond("OPERAND2")]),
    boolean("operator_or", Operators, "%1 or %2", "%1 或 %2",
        &[cond("OPERAND1"), cond("OPERAND2")]),
    boolean("operator_not", Operators, "not %1", "%1 不成立", &[cond("OPERAND")]),
    reporter("operator_join", Operators, "join %1 %2", "连接 %1 和 %2",
        &[text("STRING1", "apple "), text("STRING2", "banana")]),
    reporter("operator_letter_of", Operators, "letter %1 of %2", "%2 的第 %1 个字符",
        &[whole("LETTER", "1"), text("STRING", "apple")]),
    reporter("operator_length", Operators, "length of %1", "%1 的字符数",
        &[text("STRING", "apple")]),
    boolean("operator_contains", Operators, "%1 contains %2?", "%1 包含 %2 ?",
        &[text("STRING1", "apple"), text("STRING2", "a")]),
    reporter("operator_mod", Operators, "%1 mod %2", "%1 除以 %2 的余数",
        &[num("NUM1", ""), num("NUM2", "")]),
    reporter("operator_round", Operators, "round %1", "四舍五入 %1", &[num("NUM", "")]),
    reporter("operator_mathop", Operators, "%1 of %2", "%1 %2",
        &[field("OPERATOR", "mathop", "abs"), num("NUM", "")]),
    // --- Variables ----------------------------------------------------------------------------
    // `(score)`: written as the bare variable name in scratchblocks; special-cased by the parser.
    reporter("data_variable", Variables, "%1", "%1", &[VAR]),
    stack("data_setvariableto", Variables, "set %1 to %2", "将 %1 设为 %2",
        &[VAR, text("VALUE", "0")]),
    stack("data_changevariableby", Variables, "change %1 by %2", "将 %1 增加 %2",
        &[VAR, num("VALUE", "1")]),
    stack("data_showvariable", Variables, "show variable %1", "显示变量 %1", &[VAR]),
    stack("data_hidevariable", Variables, "hide variable %1", "隐藏变量 %1", &[VAR]),
    // --- Lists --------------------------------------------------------------------------------
    // `(fruits :: list)`: the bare list name; special-cased by the parser.
    reporter("data_listcontents", Lists, "%1", "%1", &[LIST]),
    stack("data_addtolist", Lists, "add %1 to %2", "将 %1 加入 %2", &[text("ITEM", "thing"), LIST]),
    stack("data_deleteoflist", Lists, "delete %1 of %2", "删除 %2 的第 %1 项",
        &[int("INDEX", "1"), LIST]),
    stack("data_deletealloflist", Lists, "delete all of %1", "删除 %1 的全部项目", &[LIST]),
    stack("data_insertatlist", Lists, "insert %1 at %2 of %3", "在 %3 的第 %2 项前插入 %1",
        &[text("ITEM", "thing"), int("INDEX", "1"), LIST]),
    stack("data_replaceitemoflist", Lists, "replace item %1 of %2 with %3",
        "将 %2 的第 %1 项替换为 %3",
        &[int("INDEX", "1"), LIST, text("ITEM", "thing")]),
    reporter("data_itemoflist", Lists, "item %1 of %2", "%2 的第 %1 项",
        &[int("INDEX", "1"), LIST]),
    reporter("data_itemnumoflist", Lists, "item # of %1 in %2", "%2 中第一个 %1 的编号",
        &[text("ITEM", "thing"), LIST]),
    reporter("data_lengthoflist", Lists, "length of %1", "%1 的项目数", &[LIST]),
    boolean("data_listcontainsitem", Lists, "%1 contains %2?", "%1 包含 %2 ?",
        &[LIST, text("ITEM", "thing")]),
    stack("data_showlist", Lists, "show list %1", "显示列表 %1", &[LIST]),
    stack("data_hidelist", Lists, "hide list %1", "隐藏列表 %1", &[LIST]),
    // --- My Blocks ----------------------------------------------------------------------------
    // The custom block's text, arguments and "run without screen refresh" live in the
    // prototype's mutation; the parser and the .sb3 mapping special-case these four.
    hat("procedures_definition", MyBlocks, "define %1", "定义 %1",
        &[menu_in("custom_block", PROTOTYPE_IN, "")]),
    stack("procedures_call", MyBlocks, "%1", "%1", &[field("proccode", "procedure", "")]),
    reporter("argument_reporter_string_number", MyBlocks, "%1", "%1",
        &[field("VALUE", "procedure_argument", "")]),
    boolean("argument_reporter_boolean", MyBlocks, "%1", "%1",
        &[field("VALUE", "procedure_argument", "")]),
    // --- Pen (extension) ----------------------------------------------------------------------
    stack("pen_clear", Pen, "erase all", "全部擦除", &[]),
    stack("pen_stamp", Pen, "stamp", "图章", &[]),
    stack("pen_penDown", Pen, "pen down", "落笔", &[]),
    stack("pen_penUp", Pen, "pen up", "抬笔", &[]),
    stack("pen_setPenColorToColor", Pen, "set pen color to %1", "将笔的颜色设为%1",
        &[color("COLOR", "#4c97ff")]),
    stack("pen_changePenColorParamBy", Pen, "change pen %1 by %2", "将笔的 %1 增加%2",
        &[menu_in("COLOR_PARAM", PEN_PARAM_IN, "color"), num("VALUE", "10")]),
    stack("pen_setPenColorParamTo", Pen, "set pen %1 to %2", "将笔的 %1 设为%2",
        &[menu_in("COLOR_PARAM", PEN_PARAM_IN, "color"), num("VALUE", "50")]),
    stack("pen_changePenSizeBy", Pen, "change pen size by %1", "将笔的粗细增加%1",
        &[num("SIZE", "1")]),
    stack("pen_setPenSizeTo", Pen, "set pen size to %1", "将笔的粗细设为%1", &[num("SIZE", "1")]),
    // Scratch 2 pen blocks, still run by scratch-vm but hidden from the palette.
    stack("pen_setPenShadeToNumber", Pen, "set pen shade to %1", "将笔的亮度设为%1",
        &[num("SHADE", "1")]).hidden(),
    stack("pen_changePenShadeBy", Pen, "change pen shade by %1", "将笔的亮度增加%1",
        &[num("SHADE", "1")]).hidden(),
    stack("pen_setPenHueToNumber", Pen, "set pen color to %1", "将笔的颜色设为%1",
        &[num("HUE", "1")]).hidden(),
    stack("pen_changePenHueBy", Pen, "change pen color by %1", "将笔的颜色增加%1",
        &[num("HUE", "1")]).hidden(),
    // --- Music (extension) --------------------------------------------------------------------
    stack("music_playDrumForBeats", Music, "play drum %1 for %2 beats", "击打 %1 %2 拍",
        &[menu_in("DRUM", DRUM_IN, "1"), num("BEATS", "0.25")]),
    stack("music_restForBeats", Music, "rest for %1 beats", "休止%1拍", &[num("BEATS", "0.25")]),
    // NOTE's shadow in .sb3 is `note` (a piano picker, field NOTE); the catalog has no note slot
    // kind, so it is a number here, which is how scratchblocks writes it: `(60)`.
    stack("music_playNoteForBeats", Music, "play note %1 for %2 beats", "演奏音符%1%2拍",
        &[num("NOTE", "60"), num("BEATS", "0.25")]),
    stack("music_setInstrument", Music, "set instrument to %1", "将乐器设为 %1",
        &[menu_in("INSTRUMENT", INSTRUMENT_IN, "1")]),
    stack("music_setTempo", Music, "set tempo to %1", "将演奏速度设定为%1", &[num("TEMPO", "60")]),
    stack("music_changeTempo", Music, "change tempo by %1", "将演奏速度增加%1",
        &[num("TEMPO", "20")]),
    reporter("music_getTempo", Music, "tempo", "演奏速度", &[]),
    // Scratch 2 music blocks (MIDI drum and instrument numbers), converted from .sb2 with plain
    // number inputs; hidden from the palette.
    stack("music_midiPlayDrumForBeats", Music, "play drum %1 for %2 beats", "击打 %1 %2 拍",
        &[num("DRUM", "1"), num("BEATS", "0.25")]).hidden(),
    stack("music_midiSetInstrument", Music, "set instrument to %1", "将乐器设为 %1",
        &[num("INSTRUMENT", "1")]).hidden(),
    // --- Shadow blocks: the values inside inputs ----------------------------------------------
    shadow("math_number", Operators, &[num("NUM", "")]),
    shadow("math_positive_number", Operators, &[positive("NUM", "")]),
    shadow("math_whole_number", Operators, &[whole("NUM", "")]),
    shadow("math_integer", Operators, &[int("NUM", "")]),
    shadow("math_angle", Operators, &[angle("NUM", "")]),
    shadow("text", Operators, &[text("TEXT", "")]),
    shadow("colour_picker", Operators, &[color("COLOUR", "")]),
    shadow("motion_goto_menu", Motion, &[field("TO", "goto", "_random_")]),
    shadow("motion_glideto_menu", Motion, &[field("TO", "glideto", "_random_")]),
    shadow("motion_pointtowards_menu", Motion, &[field("TOWARDS", "pointtowards", "_mouse_")]),
    shadow("looks_costume", Looks, &[field("COSTUME", "costume", "costume1")]),
    shadow("looks_backdrops", Looks, &[field("BACKDROP", "backdrop", "backdrop1")]),
    shadow("sound_sounds_menu", Sound, &[field("SOUND_MENU", "sound", "Meow")]),
    // Early Scratch 3 sound menus; scratch-vm still registers them, nothing creates them.
    shadow("sound_beats_menu", Sound, &[num("BEATS", "")]),
    shadow("sound_effects_menu", Sound, &[field("EFFECT", "sound_effect", "PITCH")]),
    shadow("event_broadcast_menu", Events,
        &[arg("BROADCAST_OPTION", SlotKind::BroadcastField, "message1")]),
    shadow("event_touchingobjectmenu", Events,
        &[field("TOUCHINGOBJECTMENU", "touching", "_mouse_")]),
    shadow("control_create_clone_of_menu", Control, &[field("CLONE_OPTION", "clone", "_myself_")]),
    shadow("sensing_touchingobjectmenu", Sensing,
        &[field("TOUCHINGOBJECTMENU", "touching", "_mouse_")]),
    shadow("sensing_distancetomenu", Sensing, &[field("DISTANCETOMENU", "distance_to", "_mouse_")]),
    shadow("sensing_keyoptions", Sensing, &[field("KEY_OPTION", "key", "space")]),
    shadow("sensing_of_object_menu", Sensing, &[field("OBJECT", "of_object", "_stage_")]),
    shadow("procedures_prototype", MyBlocks, &[field("proccode", "procedure", "")]),
    shadow("pen_menu_colorParam", Pen, &[field("colorParam", "pen_color_param", "color")]),
    shadow("music_menu_DRUM", Music, &[field("DRUM", "drum", "1")]),
    shadow("music_menu_INSTRUMENT", Music, &[field("INSTRUMENT", "instrument", "1")]),
    // The piano picker of `play note`; see music_playNoteForBeats.
    shadow("note", Music, &[num("NOTE", "60")]),
];

/// The opcodes of shadow blocks: values that sit in another block's input (or, for
/// `procedures_prototype`, in `define`), never run as code on their own.
pub static SHADOW_OPCODES: &[&str] = &[
    "math_number",
    "math_positive_number",
    "math_whole_number",
    "math_integer",
    "math_angle",
    "text",
    "colour_picker",
    "motion_goto_menu",
    "motion_glideto_menu",
    "motion_pointtowards_menu",
    "looks_costume",
    "looks_backdrops",
    "sound_sounds_menu",
    "sound_beats_menu",
    "sound_effects_menu",
    "event_broadcast_menu",
    "event_touchingobjectmenu",
    "control_create_clone_of_menu",
    "sensing_touchingobjectmenu",
    "sensing_distancetomenu",
    "sensing_keyoptions",
    "sensing_of_object_menu",
    "procedures_prototype",
    "pen_menu_colorParam",
    "music_menu_DRUM",
    "music_menu_INSTRUMENT",
    "note",
];

// ---------------------------------------------------------------------------------------------
// Menus
// ---------------------------------------------------------------------------------------------

const fn opt(value: &'static str, en: &'static str, zh: &'static str) -> MenuOption {
    MenuOption { value, en, zh }
}

/// An option written the same way in every language (`a`, `sin`, `x position` in English).
const fn same(value: &'static str) -> MenuOption {
    opt(value, value, value)
}

const fn fixed(id: &'static str, options: &'static [MenuOption]) -> MenuSpec {
    MenuSpec {
        id: MenuId(id),
        options,
        dynamic: None,
    }
}

const fn with_dynamic(
    id: &'static str,
    options: &'static [MenuOption],
    dynamic: DynamicMenu,
) -> MenuSpec {
    MenuSpec {
        id: MenuId(id),
        options,
        dynamic: Some(dynamic),
    }
}

const MOUSE: MenuOption = opt("_mouse_", "mouse-pointer", "鼠标指针");
const RANDOM_POSITION: MenuOption = opt("_random_", "random position", "随机位置");

/// Every dropdown menu, named by the [`MenuId`]s the blocks use.
#[rustfmt::skip]
pub static MENUS: &[MenuSpec] = &[
    // --- Motion -------------------------------------------------------------------------------
    with_dynamic("goto", &[RANDOM_POSITION, MOUSE], DynamicMenu::Sprites),
    with_dynamic("glideto", &[RANDOM_POSITION, MOUSE], DynamicMenu::Sprites),
    // scratch-gui offers only the mouse-pointer and sprites; scratch-vm also runs `_random_`.
    with_dynamic("pointtowards", &[MOUSE, opt("_random_", "random direction", "随机方向")],
        DynamicMenu::Sprites),
    fixed("rotation_style", &[
        opt("left-right", "left-right", "左右翻转"),
        opt("don't rotate", "don't rotate", "不可旋转"),
        opt("all around", "all around", "任意旋转"),
    ]),
    fixed("align_scene", &[
        opt("bottom-left", "bottom-left", "左下角"),
        opt("bottom-right", "bottom-right", "右下角"),
        opt("middle", "middle", "中间"),
        opt("top-left", "top-left", "左上角"),
        opt("top-right", "top-right", "右上角"),
    ]),
    // --- Looks --------------------------------------------------------------------------------
    fixed("graphic_effect", &[
        opt("COLOR", "color", "颜色"),
        opt("FISHEYE", "fisheye", "鱼眼"),
        opt("WHIRL", "whirl", "漩涡"),
        opt("PIXELATE", "pixelate", "像素化"),
        opt("MOSAIC", "mosaic", "马赛克"),
        opt("BRIGHTNESS", "brightness", "亮度"),
        opt("GHOST", "ghost", "虚像"),
    ]),
    fixed("front_back", &[opt("front", "front", "前面"), opt("back", "back", "后面")]),
    fixed("forward_backward",
        &[opt("forward", "forward", "前移"), opt("backward", "backward", "后移")]),
    fixed("number_name", &[opt("number", "number", "编号"), opt("name", "name", "名称")]),
    with_dynamic("costume", &[], DynamicMenu::Costumes),
    // `switch backdrop to`: the backdrops, then these three.
    with_dynamic("backdrop", &[
        opt("next backdrop", "next backdrop", "下一个背景"),
        opt("previous backdrop", "previous backdrop", "上一个背景"),
        opt("random backdrop", "random backdrop", "随机背景"),
    ], DynamicMenu::Backdrops),
    // `when backdrop switches to`: the backdrops only.
    with_dynamic("backdrop_name", &[], DynamicMenu::Backdrops),
    // --- Sound --------------------------------------------------------------------------------
    with_dynamic("sound", &[], DynamicMenu::Sounds),
    fixed("sound_effect",
        &[opt("PITCH", "pitch", "音调"), opt("PAN", "pan left/right", "左右平衡")]),
    // --- Events -------------------------------------------------------------------------------
    // Scratch 3's Chinese editor labels the arrows ↑ ↓ → ←; the words are easier to type.
    fixed("key", &[
        opt("space", "space", "空格"),
        opt("up arrow", "up arrow", "上移键"),
        opt("down arrow", "down arrow", "下移键"),
        opt("right arrow", "right arrow", "右移键"),
        opt("left arrow", "left arrow", "左移键"),
        opt("any", "any", "任意"),
        same("a"), same("b"), same("c"), same("d"), same("e"), same("f"), same("g"), same("h"),
        same("i"), same("j"), same("k"), same("l"), same("m"), same("n"), same("o"), same("p"),
        same("q"), same("r"), same("s"), same("t"), same("u"), same("v"), same("w"), same("x"),
        same("y"), same("z"),
        same("0"), same("1"), same("2"), same("3"), same("4"), same("5"), same("6"), same("7"),
        same("8"), same("9"),
    ]),
    fixed("when_greater_than",
        &[opt("LOUDNESS", "loudness", "响度"), opt("TIMER", "timer", "计时器")]),
    // --- Control ------------------------------------------------------------------------------
    fixed("stop", &[
        opt("all", "all", "全部脚本"),
        opt("this script", "this script", "这个脚本"),
        opt("other scripts in sprite", "other scripts in sprite", "该角色的其他脚本"),
    ]),
    with_dynamic("clone", &[opt("_myself_", "myself", "自己")], DynamicMenu::Sprites),
    // --- Sensing ------------------------------------------------------------------------------
    with_dynamic("touching", &[MOUSE, opt("_edge_", "edge", "舞台边缘")], DynamicMenu::Sprites),
    with_dynamic("distance_to", &[MOUSE], DynamicMenu::Sprites),
    with_dynamic("of_object", &[opt("_stage_", "Stage", "舞台")], DynamicMenu::Sprites),
    // Sprites offer the first seven, the stage the last three (and volume); then the chosen
    // object's variables.
    with_dynamic("of_property", &[
        opt("x position", "x position", "x 坐标"),
        opt("y position", "y position", "y 坐标"),
        opt("direction", "direction", "方向"),
        opt("costume #", "costume #", "造型编号"),
        opt("costume name", "costume name", "造型名称"),
        opt("size", "size", "大小"),
        opt("volume", "volume", "音量"),
        opt("backdrop #", "backdrop #", "背景编号"),
        opt("backdrop name", "backdrop name", "背景名称"),
    ], DynamicMenu::ObjectAttributes),
    fixed("current", &[
        opt("YEAR", "year", "年"),
        opt("MONTH", "month", "月"),
        opt("DATE", "date", "日"),
        opt("DAYOFWEEK", "day of week", "星期"),
        opt("HOUR", "hour", "时"),
        opt("MINUTE", "minute", "分"),
        opt("SECOND", "second", "秒"),
    ]),
    fixed("drag_mode", &[
        opt("draggable", "draggable", "可拖动"),
        opt("not draggable", "not draggable", "不可拖动"),
    ]),
    // --- Operators ----------------------------------------------------------------------------
    fixed("mathop", &[
        opt("abs", "abs", "绝对值"),
        opt("floor", "floor", "向下取整"),
        opt("ceiling", "ceiling", "向上取整"),
        opt("sqrt", "sqrt", "平方根"),
        same("sin"), same("cos"), same("tan"), same("asin"), same("acos"), same("atan"),
        same("ln"), same("log"), same("e ^"), same("10 ^"),
    ]),
    // --- My Blocks ----------------------------------------------------------------------------
    // Custom blocks and their arguments come from the project's `define` blocks; the parser and
    // the .sb3 mapping handle them, so these menus have no fixed or dynamic choices.
    fixed("procedure", &[]),
    fixed("procedure_argument", &[]),
    // --- Pen ----------------------------------------------------------------------------------
    fixed("pen_color_param", &[
        opt("color", "color", "颜色"),
        opt("saturation", "saturation", "饱和度"),
        opt("brightness", "brightness", "亮度"),
        opt("transparency", "transparency", "透明度"),
    ]),
    // --- Music --------------------------------------------------------------------------------
    fixed("drum", &[
        opt("1", "(1) Snare Drum", "(1) 小军鼓"),
        opt("2", "(2) Bass Drum", "(2) 低音鼓"),
        opt("3", "(3) Side Stick", "(3) 敲鼓边"),
        opt("4", "(4) Crash Cymbal", "(4) 碎音钹"),
        opt("5", "(5) Open Hi-Hat", "(5) 开击踩镲"),
        opt("6", "(6) Closed Hi-Hat", "(6) 闭击踩镲"),
        opt("7", "(7) Tambourine", "(7) 铃鼓"),
        opt("8", "(8) Hand Clap", "(8) 手掌"),
        opt("9", "(9) Claves", "(9) 音棒"),
        opt("10", "(10) Wood Block", "(10) 木鱼"),
        opt("11", "(11) Cowbell", "(11) 牛铃"),
        opt("12", "(12) Triangle", "(12) 三角铁"),
        opt("13", "(13) Bongo", "(13) 邦戈鼓"),
        opt("14", "(14) Conga", "(14) 康加鼓"),
        opt("15", "(15) Cabasa", "(15) 卡巴萨"),
        opt("16", "(16) Guiro", "(16) 刮瓜"),
        opt("17", "(17) Vibraslap", "(17) 颤音器"),
        opt("18", "(18) Cuica", "(18) 锯加鼓"),
    ]),
    fixed("instrument", &[
        opt("1", "(1) Piano", "(1) 钢琴"),
        opt("2", "(2) Electric Piano", "(2) 电钢琴"),
        opt("3", "(3) Organ", "(3) 风琴"),
        opt("4", "(4) Guitar", "(4) 吉他"),
        opt("5", "(5) Electric Guitar", "(5) 电吉他"),
        opt("6", "(6) Bass", "(6) 贝斯"),
        opt("7", "(7) Pizzicato", "(7) 拨弦"),
        opt("8", "(8) Cello", "(8) 大提琴"),
        opt("9", "(9) Trombone", "(9) 长号"),
        opt("10", "(10) Clarinet", "(10) 单簧管"),
        opt("11", "(11) Saxophone", "(11) 萨克斯管"),
        opt("12", "(12) Flute", "(12) 长笛"),
        opt("13", "(13) Wooden Flute", "(13) 木长笛"),
        opt("14", "(14) Bassoon", "(14) 巴松管"),
        opt("15", "(15) Choir", "(15) 唱诗班"),
        opt("16", "(16) Vibraphone", "(16) 颤音琴"),
        opt("17", "(17) Music Box", "(17) 八音盒"),
        opt("18", "(18) Steel Drum", "(18) 钢鼓"),
        opt("19", "(19) Marimba", "(19) 马林巴琴"),
        opt("20", "(20) Synth Lead", "(20) 合成主音"),
        opt("21", "(21) Synth Pad", "(21) 合成柔音"),
    ]),
];
