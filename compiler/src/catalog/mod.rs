//! The block catalog: one table that defines every block Starling knows.
//!
//! Each [`BlockSpec`] names the Scratch 3 opcode, its category and shape, its arguments (inputs
//! and fields, with their slot kinds, defaults and menus) and its text in English and Simplified
//! Chinese as a template. The text parser, the .sb3 mapping, the editor toolbox and the docs are
//! all derived from this table; adding a block or a language is one edit in `blocks.rs`.
//!
//! ## Templates
//!
//! A template is the block's text with `%1`, `%2`, … standing for its arguments, in the order of
//! [`BlockSpec::args`]. The English and Chinese templates may place the slots in different orders
//! (`%1` always means `args[0]`). Rendering a template with each slot's default in scratchblocks
//! notation gives the familiar form: `move %1 steps` with a number slot defaulting to `10` is
//! `move (10) steps`; in Chinese `移动 %1 步` is `移动 (10) 步`.

mod blocks;
pub mod export;
#[cfg(test)]
mod tests;

pub use blocks::{BLOCKS, MENUS, SHADOW_OPCODES};

/// The palette category of a block; also decides its colour in the editor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    Motion,
    Looks,
    Sound,
    Events,
    Control,
    Sensing,
    Operators,
    Variables,
    Lists,
    MyBlocks,
    Pen,
    Music,
}

/// The shape of a block, as in Scratch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Shape {
    /// Starts a script (`when green flag clicked`).
    Hat,
    /// A stack block with a next block (`move (10) steps`).
    Stack,
    /// A block wrapping one or more substacks (`repeat`, `if … else`). The number of substacks is
    /// [`BlockSpec::substacks`].
    C,
    /// A block that ends a stack: nothing can follow it (`forever`, `delete this clone`).
    Cap,
    /// A round reporter that returns a number or text.
    Reporter,
    /// A hexagonal reporter that returns true or false.
    Boolean,
}

/// What kind of slot an argument is, which decides how it is written in scratchblocks notation
/// and whether it is an .sb3 input (can hold a reporter) or a field (cannot).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotKind {
    /// Input with a `math_number` shadow: `(10)`.
    Number,
    /// Input with a `math_positive_number` shadow: `(10)`.
    PositiveNumber,
    /// Input with a `math_whole_number` shadow: `(10)`.
    WholeNumber,
    /// Input with a `math_integer` shadow: `(1)`.
    Integer,
    /// Input with a `math_angle` shadow: `(90)`.
    Angle,
    /// Input with a `text` shadow: `[hello]`.
    Text,
    /// Input with a `colour_picker` shadow: `[#ff0000]`.
    Color,
    /// Boolean input (no shadow): `<>`.
    Boolean,
    /// Input whose shadow is a menu block, so it can also hold a reporter:
    /// `go to (random position v)`. Written `(x v)` or `[x v]` in scratchblocks.
    MenuInput {
        /// The shadow block's opcode, e.g. `motion_goto_menu`.
        shadow_opcode: &'static str,
        /// The field inside the shadow block that holds the choice, e.g. `TO`.
        shadow_field: &'static str,
        /// The menu of choices.
        menu: MenuId,
    },
    /// Input that holds a broadcast name (`event_broadcast_menu` shadow, field
    /// `BROADCAST_OPTION`): `broadcast (message1 v)`.
    BroadcastInput,
    /// A field with a fixed or dynamic menu: `[color v] effect`. Cannot hold a reporter.
    Field(MenuId),
    /// A field naming a variable: `set [score v] to (0)`.
    VariableField,
    /// A field naming a list: `add [thing] to [fruits v]`.
    ListField,
    /// A field naming a broadcast, used by the `when I receive [message1 v]` hat.
    BroadcastField,
}

impl SlotKind {
    /// True when the argument is an .sb3 input (may hold a reporter); false for fields.
    pub fn is_input(self) -> bool {
        !matches!(
            self,
            SlotKind::Field(_)
                | SlotKind::VariableField
                | SlotKind::ListField
                | SlotKind::BroadcastField
        )
    }

    /// True for the numeric slot kinds written `(n)`.
    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            SlotKind::Number
                | SlotKind::PositiveNumber
                | SlotKind::WholeNumber
                | SlotKind::Integer
                | SlotKind::Angle
        )
    }

    /// The shadow opcode .sb3 uses for a literal in this slot, if any.
    pub fn shadow_opcode(self) -> Option<&'static str> {
        Some(match self {
            SlotKind::Number => "math_number",
            SlotKind::PositiveNumber => "math_positive_number",
            SlotKind::WholeNumber => "math_whole_number",
            SlotKind::Integer => "math_integer",
            SlotKind::Angle => "math_angle",
            SlotKind::Text => "text",
            SlotKind::Color => "colour_picker",
            SlotKind::MenuInput { shadow_opcode, .. } => shadow_opcode,
            SlotKind::BroadcastInput => "event_broadcast_menu",
            _ => return None,
        })
    }
}

/// One argument of a block: an .sb3 input or field.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ArgSpec {
    /// The .sb3 input or field name, e.g. `STEPS`, `VARIABLE`.
    pub name: &'static str,
    pub kind: SlotKind,
    /// The default shown in the palette and used when the slot is left empty in .sb3
    /// (`"10"`, `"Hello!"`, `"_random_"`, `"#ff0000"`, `""`).
    pub default: &'static str,
}

/// A named menu of choices for a dropdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MenuId(pub &'static str);

/// A dropdown menu: fixed options, and possibly choices that come from the project.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MenuSpec {
    pub id: MenuId,
    /// Fixed options.
    pub options: &'static [MenuOption],
    /// Choices taken from the project (sprite names, costume names, …), listed after or
    /// instead of the fixed options.
    pub dynamic: Option<DynamicMenu>,
}

/// A fixed menu option: the value stored in .sb3 and its label in each language.
///
/// For example `_random_` is labelled `random position` / `随机位置`; `x position` has the same
/// value and English label. The text parser accepts the value or either label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MenuOption {
    pub value: &'static str,
    pub en: &'static str,
    pub zh: &'static str,
}

/// Choices of a menu that come from the project rather than the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DynamicMenu {
    /// Other sprites' names (`go to`, `touching`, `distance to`, `create clone of`).
    Sprites,
    /// Sprite names and the stage (`of`).
    SpritesAndStage,
    /// This sprite's costumes.
    Costumes,
    /// The stage's backdrops.
    Backdrops,
    /// This sprite's sounds.
    Sounds,
    /// Variables and attributes of the chosen object (`[x position v] of (Sprite1 v)`).
    ObjectAttributes,
}

/// One block of the catalog.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BlockSpec {
    /// The Scratch 3 opcode, e.g. `motion_movesteps`.
    pub opcode: &'static str,
    pub category: Category,
    pub shape: Shape,
    /// English template, e.g. `move %1 steps`.
    pub en: &'static str,
    /// Simplified Chinese template, e.g. `移动 %1 步`, in the wording Chinese Scratch uses.
    pub zh: &'static str,
    /// Inputs and fields in the order `%1`, `%2`, … refer to them.
    pub args: &'static [ArgSpec],
    /// Number of substacks (C blocks: `SUBSTACK`, `SUBSTACK2`); 0 otherwise.
    pub substacks: u8,
    /// Where the block appears.
    pub status: Status,
}

/// Whether a block is shown in the palette.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// In the palette.
    Palette,
    /// Not in the palette but loaded and run (e.g. `control_while`, legacy pen shade blocks).
    Hidden,
    /// Loaded and kept, but does nothing when run (e.g. `motion_scroll_right`).
    NoOp,
}

/// Looks a block up by its Scratch opcode.
pub fn block(opcode: &str) -> Option<&'static BlockSpec> {
    BLOCKS.iter().find(|b| b.opcode == opcode)
}

/// Looks a menu up by its id.
pub fn menu(id: MenuId) -> Option<&'static MenuSpec> {
    MENUS.iter().find(|m| m.id == id)
}

/// The language of block text and messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    En,
    ZhCn,
}

impl Lang {
    /// Parses `en`, `zh`, `zh-CN`, `zh_CN`, … (case-insensitive).
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.to_ascii_lowercase().replace('_', "-");
        match s.as_str() {
            "en" | "en-us" | "en-gb" | "english" => Some(Lang::En),
            "zh" | "zh-cn" | "zh-hans" | "chinese" | "cn" => Some(Lang::ZhCn),
            _ => None,
        }
    }
}

impl BlockSpec {
    /// The template in the given language.
    pub fn template(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::ZhCn => self.zh,
        }
    }

    /// True for shadow blocks (`math_number`, `motion_goto_menu`, `procedures_prototype`, …):
    /// values that sit in another block's input and are never run as code. Their template is
    /// `%1`, so the text parser must not match them as blocks.
    pub fn is_shadow(&self) -> bool {
        SHADOW_OPCODES.contains(&self.opcode)
    }

    /// The block written in scratchblocks notation with its defaults, e.g. `move (10) steps`.
    pub fn to_scratchblocks(&self, lang: Lang) -> String {
        render_template(self.template(lang), |i| {
            let arg = &self.args[i];
            slot_text(arg.kind, arg.default, lang)
        })
    }
}

/// Writes one argument with value `value` in scratchblocks notation for its slot kind.
pub fn slot_text(kind: SlotKind, value: &str, lang: Lang) -> String {
    match kind {
        k if k.is_numeric() => format!("({value})"),
        SlotKind::Text | SlotKind::Color => format!("[{value}]"),
        SlotKind::Boolean => "<>".to_string(),
        SlotKind::MenuInput { menu: id, .. } => format!("({} v)", option_label(id, value, lang)),
        SlotKind::BroadcastInput => format!("({value} v)"),
        SlotKind::Field(id) => format!("[{} v]", option_label(id, value, lang)),
        _ => format!("[{value} v]"),
    }
}

/// The label of a menu option's value in a language, or the value itself when the menu has no
/// such fixed option (a costume name, say).
pub fn option_label(id: MenuId, value: &str, lang: Lang) -> String {
    menu(id)
        .and_then(|m| m.options.iter().find(|o| o.value == value))
        .map(|o| match lang {
            Lang::En => o.en,
            Lang::ZhCn => o.zh,
        })
        .unwrap_or(value)
        .to_string()
}

/// Replaces each `%N` in `template` (1-based) with `slot(N - 1)`.
pub fn render_template(template: &str, mut slot: impl FnMut(usize) -> String) -> String {
    let mut out = String::new();
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '%' {
            let mut n = 0usize;
            let mut digits = 0;
            while let Some(d) = chars.peek().and_then(|d| d.to_digit(10)) {
                n = n * 10 + d as usize;
                digits += 1;
                chars.next();
            }
            if digits > 0 && n > 0 {
                out.push_str(&slot(n - 1));
                continue;
            }
            out.push('%');
        } else {
            out.push(c);
        }
    }
    out
}

/// The slot numbers (0-based) in the order they appear in a template.
pub fn template_slots(template: &str) -> Vec<usize> {
    let mut slots = Vec::new();
    render_template(template, |i| {
        slots.push(i);
        String::new()
    });
    slots
}
