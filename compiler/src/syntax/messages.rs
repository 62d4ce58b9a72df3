//! Every diagnostic the text front end reports, in English and Chinese, written for a
//! ten-year-old. Keeping them together keeps the tone the same and makes them easy to review.

use crate::diag::{Diagnostic, Message};

use super::ast::Span;

/// Shortens `text` for quoting in a message.
pub fn short(text: &str) -> String {
    const MAX: usize = 60;
    let text = text.trim();
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        let cut: String = text.chars().take(MAX).collect();
        format!("{cut}…")
    }
}

fn m(en: impl Into<String>, zh: impl Into<String>) -> Message {
    Message::new(en, zh)
}

fn err(span: Span, en: impl Into<String>, zh: impl Into<String>) -> Diagnostic {
    Diagnostic::error(span.loc(), m(en, zh))
}

fn warn(span: Span, en: impl Into<String>, zh: impl Into<String>) -> Diagnostic {
    Diagnostic::warning(span.loc(), m(en, zh))
}

/// Joins names for a hint: `a, b, c` / `a、b、c`.
fn list_en(items: &[String]) -> String {
    items.join(", ")
}

fn list_zh(items: &[String]) -> String {
    items.join("、")
}

// ------------------------------------------------------------------------------ brackets

pub fn unclosed(span: Span, open: &str, close: &str) -> Diagnostic {
    err(
        span,
        format!("This “{open}” is never closed: it needs a “{close}” on the same line."),
        format!("这个“{open}”没有配对：同一行里还需要一个“{close}”。"),
    )
    .with_hint(m(
        format!("Add “{close}” where the slot ends."),
        format!("在格子结束的地方加上“{close}”。"),
    ))
}

pub fn stray_close(span: Span, close: &str, open: &str) -> Diagnostic {
    err(
        span,
        format!("This “{close}” has no “{open}” before it to close."),
        format!("这个“{close}”前面没有可以配对的“{open}”。"),
    )
    .with_hint(m(
        format!("Remove it, or add the missing “{open}”."),
        format!("删掉它，或者补上缺少的“{open}”。"),
    ))
}

pub fn unreadable(span: Span) -> Diagnostic {
    err(
        span,
        "I can't read this part of the line.",
        "我看不懂这一行的这部分。",
    )
}

pub fn too_deep(span: Span, limit: usize) -> Diagnostic {
    err(
        span,
        format!("This line has too many brackets inside each other (more than {limit})."),
        format!("这一行的括号套得太深了（超过 {limit} 层）。"),
    )
    .with_hint(m(
        "Split the calculation into smaller steps with a variable.",
        "可以用一个变量把计算分成几步。",
    ))
}

pub fn too_many_c(span: Span, limit: usize) -> Diagnostic {
    err(
        span,
        format!("Too many C blocks inside each other here (more than {limit})."),
        format!("这里的 C 形积木套得太多了（超过 {limit} 层）。"),
    )
    .with_hint(m(
        "Move part of the script into a custom block with “define”.",
        "可以用“定义”把一部分脚本做成自制积木。",
    ))
}

// ------------------------------------------------------------------------------ blocks

pub fn unknown_block(span: Span, text: &str, suggestions: &[String]) -> Diagnostic {
    let d = err(
        span,
        format!("I don't know the block “{}”.", short(text)),
        format!("我不认识“{}”这个积木。", short(text)),
    );
    if suggestions.is_empty() {
        return d;
    }
    d.with_hint(m(
        format!("Did you mean: {}?", list_en(suggestions)),
        format!("你是不是想写：{}？", list_zh(suggestions)),
    ))
}

pub fn unknown_reporter(span: Span, text: &str, suggestions: &[String]) -> Diagnostic {
    let d = err(
        span,
        format!("I don't know the reporter block “{}”.", short(text)),
        format!("我不认识“{}”这个积木。", short(text)),
    );
    if suggestions.is_empty() {
        return d;
    }
    d.with_hint(m(
        format!("Did you mean: {}?", list_en(suggestions)),
        format!("你是不是想写：{}？", list_zh(suggestions)),
    ))
}

pub fn stack_in_slot(span: Span, text: &str) -> Diagnostic {
    err(
        span,
        format!(
            "“{}” is a stack block; it can't go inside another block's slot.",
            short(text)
        ),
        format!(
            "“{}”是一个堆叠积木，不能放进别的积木的格子里。",
            short(text)
        ),
    )
    .with_hint(m("Put it on its own line.", "把它单独写成一行。"))
}

pub fn sprite_only(span: Span, text: &str) -> Diagnostic {
    // A warning, not an error: Scratch 2 projects converted to .sb3 have such stage scripts,
    // and Scratch 3 still runs them.
    warn(
        span,
        format!(
            "In Scratch only sprites have “{}”; on the stage it may not do what you expect.",
            short(text)
        ),
        format!(
            "在 Scratch 里只有角色有“{}”；放在舞台上可能不会像你想的那样工作。",
            short(text)
        ),
    )
    .with_hint(m(
        "Put this script in a sprite's section (#sprite …).",
        "把这个脚本放到角色的部分里（#角色 …）。",
    ))
}

pub fn stage_clone_itself(span: Span) -> Diagnostic {
    warn(
        span,
        "The stage can't make clones of itself, so this block does nothing.",
        "舞台不能克隆自己，所以这个积木什么也不做。",
    )
    .with_hint(m(
        "Choose a sprite to clone, like create clone of (Sprite1 v).",
        "选一个要克隆的角色，比如 克隆 (Sprite1 v)。",
    ))
}

pub fn param_outside_define(span: Span, name: &str, boolean: bool) -> Diagnostic {
    let (en, zh) = if boolean {
        ("false", "false")
    } else {
        ("0", "0")
    };
    warn(
        span,
        format!("“{name}” is an input of a custom block, but it is used outside its define block, so it is always {en}."),
        format!("“{name}”是自制积木的输入项，但它在定义积木外面使用，所以它总是 {zh}。"),
    )
    .with_hint(m(
        "Use it only inside the define … script of its block.",
        "只在它的“定义 …”脚本里面使用它。",
    ))
}

pub fn lone_reporter(span: Span, text: &str) -> Diagnostic {
    warn(
        span,
        format!(
            "“{}” is a reporter on its own line, so it does nothing.",
            short(text)
        ),
        format!("“{}”是一个单独的报告积木，它什么也不会做。", short(text)),
    )
    .with_hint(m(
        "Put it into a slot of a block, like say (…).",
        "把它放进别的积木的格子里，比如 说 (…)。",
    ))
}

pub fn ellipsis(span: Span) -> Diagnostic {
    warn(
        span,
        "“...” stands for more blocks; it is skipped.",
        "“...”表示省略的积木，这一行会被跳过。",
    )
}

pub fn after_cap(span: Span, cap: &str) -> Diagnostic {
    warn(
        span,
        format!(
            "This block comes after “{}”, so it will never run.",
            short(cap)
        ),
        format!("这个积木在“{}”后面，所以永远不会运行。", short(cap)),
    )
    .with_hint(m(
        "Move it above, or start a new script with a hat block.",
        "把它移到上面，或者用一个帽子积木开始新的脚本。",
    ))
}

pub fn hat_in_middle(span: Span, text: &str, open_span: Span, open_text: &str) -> Diagnostic {
    err(
        span,
        format!(
            "The hat block “{}” can only go at the top of a script.",
            short(text)
        ),
        format!("帽子积木“{}”只能放在脚本的最上面。", short(text)),
    )
    .with_label(
        open_span.loc(),
        m(
            format!(
                "“{}” is still open here: did you forget an “end”?",
                short(open_text)
            ),
            format!("“{}”还没有结束：是不是忘了写“end”？", short(open_text)),
        ),
    )
    .with_hint(m(
        "Close every C block with “end” before starting a new script.",
        "开始新脚本之前，用“end”结束每个 C 形积木。",
    ))
}

// ------------------------------------------------------------------------------ end / else

pub fn missing_end(span: Span, open_span: Span, open_text: &str) -> Diagnostic {
    err(
        span,
        format!(
            "The script ends, but “{}” was never closed with “end”.",
            short(open_text)
        ),
        format!("脚本结束了，但是“{}”还没有用“end”结束。", short(open_text)),
    )
    .with_label(
        open_span.loc(),
        m(
            format!("this “{}” needs an “end”", short(open_text)),
            format!("这个“{}”需要一个“end”", short(open_text)),
        ),
    )
    .with_hint(m(
        "Add a line with just “end” after the blocks that go inside it.",
        "在它里面的积木后面加一行“end”（或“结束”）。",
    ))
}

pub fn stray_end(span: Span) -> Diagnostic {
    err(
        span,
        "This “end” has nothing to close.",
        "这个“end”前面没有需要结束的积木。",
    )
    .with_hint(m(
        "Remove it, or check that every repeat, forever and if has exactly one “end”.",
        "删掉它，或者检查每个重复执行、如果积木是不是正好有一个“end”。",
    ))
}

pub fn stray_else(span: Span) -> Diagnostic {
    err(
        span,
        "This “else” is not inside an “if … then” block.",
        "这个“否则”不在“如果 … 那么”积木里面。",
    )
    .with_hint(m(
        "“else” goes between “if <…> then” and its “end”.",
        "“否则”要写在“如果 <…> 那么”和它的“end”之间。",
    ))
}

pub fn else_not_if(span: Span, open_span: Span, open_text: &str) -> Diagnostic {
    stray_else(span).with_label(
        open_span.loc(),
        m(
            format!(
                "the innermost open block is “{}”, which has no “else”",
                short(open_text)
            ),
            format!("最里面的积木是“{}”，它没有“否则”", short(open_text)),
        ),
    )
}

pub fn second_else(span: Span, open_span: Span) -> Diagnostic {
    err(
        span,
        "This “if” already has an “else”.",
        "这个“如果”已经有一个“否则”了。",
    )
    .with_label(open_span.loc(), m("this is the “if”", "这是那个“如果”"))
}

// ------------------------------------------------------------------------------ slots

pub fn text_in_number(span: Span, text: &str) -> Diagnostic {
    err(
        span,
        format!("“{}” is text, but this slot needs a number.", short(text)),
        format!("“{}”是文字，但是这个格子需要一个数字。", short(text)),
    )
    .with_hint(m(
        "Write a number like (10), or put a reporter block here.",
        "写一个数字，比如 (10)，或者放一个报告积木。",
    ))
}

pub fn needs_color(span: Span, text: &str) -> Diagnostic {
    err(
        span,
        format!("“{}” is not a colour.", short(text)),
        format!("“{}”不是一种颜色。", short(text)),
    )
    .with_hint(m(
        "Write a colour like [#ff0000] (red).",
        "写一种颜色，比如 [#ff0000]（红色）。",
    ))
}

pub fn needs_boolean(span: Span) -> Diagnostic {
    err(
        span,
        "Only a pointy block like <mouse down?> fits in this slot.",
        "这个尖尖的格子里只能放尖尖的积木，比如 <按下鼠标?>。",
    )
    .with_hint(m(
        "Use a comparison like <(x) = [1]>, or leave it empty: <>.",
        "用一个比较积木，比如 <(x) = [1]>，或者留空：<>。",
    ))
}

pub fn round_in_boolean(span: Span, text: &str) -> Diagnostic {
    err(
        span,
        format!(
            "“{}” is a round block; it doesn't fit in a pointy slot.",
            short(text)
        ),
        format!("“{}”是圆圆的积木，放不进尖尖的格子。", short(text)),
    )
    .with_hint(m(
        "Compare it with something, like <(x) = [1]>.",
        "把它和别的东西比较一下，比如 <(x) = [1]>。",
    ))
}

pub fn empty_bool_in_round(span: Span) -> Diagnostic {
    err(
        span,
        "An empty pointy slot <> doesn't fit here; this slot is round.",
        "这里是圆圆的格子，放不进空的尖尖格子 <>。",
    )
    .with_hint(m(
        "Write a number like (0) or text like [hello].",
        "写一个数字 (0) 或文字 [你好]。",
    ))
}

pub fn reporter_in_field(span: Span) -> Diagnostic {
    err(
        span,
        "A reporter block can't go into this dropdown; pick one of its choices.",
        "这个下拉菜单里不能放报告积木，请选一个选项。",
    )
    .with_hint(m(
        "Write the choice like [choice v].",
        "把选项写成 [选项 v] 的样子。",
    ))
}

pub fn not_an_option(span: Span, text: &str, en: &[String], zh: &[String]) -> Diagnostic {
    err(
        span,
        format!("“{}” is not one of the choices here.", short(text)),
        format!("“{}”不是这里的选项。", short(text)),
    )
    .with_hint(m(
        format!("Choices: {}.", list_en(en)),
        format!("可以选：{}。", list_zh(zh)),
    ))
}

// ------------------------------------------------------------------------------ names

fn similar_hint(similar: &[String]) -> Option<Message> {
    if similar.is_empty() {
        return None;
    }
    let quoted: Vec<String> = similar.iter().map(|s| format!("“{s}”")).collect();
    Some(m(
        format!("Did you mean {}?", quoted.join(" or ")),
        format!("你是不是想写{}？", quoted.join("或")),
    ))
}

pub fn unknown_name(span: Span, name: &str, similar: &[String], bare: bool) -> Diagnostic {
    let d = err(
        span,
        format!(
            "There is no variable, list or input called “{}”.",
            short(name)
        ),
        format!("没有叫“{}”的变量、列表或输入项。", short(name)),
    );
    match similar_hint(similar) {
        Some(h) => d.with_hint(h),
        None if bare => d.with_hint(m(
            format!("Make the variable first with set [{name} v] to (0)."),
            format!("先用 将 [{name} v] 设为 (0) 建立这个变量。"),
        )),
        None => d.with_hint(m(
            format!("Add the line “#variable {name} = 0” to make a variable."),
            format!("加一行“#变量 {name} = 0”来建立一个变量。"),
        )),
    }
}

pub fn undeclared(
    span: Span,
    name: &str,
    list: bool,
    similar: &[String],
    global: bool,
) -> Diagnostic {
    let (what_en, what_zh, kw_en, kw_zh, init) = if list {
        ("list", "列表", "#list", "#列表", "")
    } else {
        ("variable", "变量", "#variable", "#变量", " = 0")
    };
    let d = err(
        span,
        format!("There is no {what_en} called “{}”.", short(name)),
        format!("没有叫“{}”的{what_zh}。", short(name)),
    );
    match similar_hint(similar) {
        Some(h) => d.with_hint(h),
        None => {
            let place_en = if global {
                "at the top of the file"
            } else {
                "in this sprite's section"
            };
            let place_zh = if global {
                "在文件开头"
            } else {
                "在这个角色的部分里"
            };
            d.with_hint(m(
                format!("Add the line “{kw_en} {name}{init}” {place_en} to make it."),
                format!("{place_zh}加一行“{kw_zh} {name}{init}”来建立它。"),
            ))
        }
    }
}

pub fn variable_in_boolean(span: Span, name: &str) -> Diagnostic {
    err(
        span,
        format!(
            "“{}” is a variable, and variables are round: they don't fit in a pointy slot.",
            short(name)
        ),
        format!("“{}”是变量，变量是圆圆的，放不进尖尖的格子。", short(name)),
    )
    .with_hint(m(
        format!("Compare it, like <({name}) = [1]>."),
        format!("比较一下，比如 <({name}) = [1]>。"),
    ))
}

// ------------------------------------------------------------------------------ custom blocks

pub fn duplicate_define(span: Span, first: Span, text: &str) -> Diagnostic {
    err(
        span,
        format!("The block “{}” is defined twice.", short(text)),
        format!("积木“{}”被定义了两次。", short(text)),
    )
    .with_label(
        first.loc(),
        m("it was first defined here", "第一次定义在这里"),
    )
    .with_hint(m(
        "Give one of them a different name.",
        "给其中一个换个名字。",
    ))
}

pub fn define_empty(span: Span) -> Diagnostic {
    err(
        span,
        "“define” needs the new block's name after it.",
        "“定义”后面要写新积木的名字。",
    )
    .with_hint(m(
        "For example: define jump (height)",
        "比如：定义 跳 (高度)",
    ))
}

pub fn param_without_name(span: Span) -> Diagnostic {
    err(
        span,
        "This input of the custom block has no name.",
        "自制积木的这个输入项没有名字。",
    )
    .with_hint(m(
        "Write a name inside, like (height) or <fast>.",
        "在里面写一个名字，比如 (高度) 或 <快>。",
    ))
}

// ------------------------------------------------------------------------------ project notation

pub fn unknown_directive(span: Span, word: &str) -> Diagnostic {
    err(
        span,
        format!("I don't know “#{}”.", short(word)),
        format!("我不认识“#{}”。", short(word)),
    )
    .with_hint(m(
        "Use #stage, #sprite, #variable, #list, #monitor, #costume, #backdrop or #sound.",
        "可以用 #舞台、#角色、#变量、#列表、#监视器、#造型、#背景 或 #声音。",
    ))
}

pub fn directive_needs_name(span: Span, what: &str) -> Diagnostic {
    err(
        span,
        format!("“#{what}” needs a name after it."),
        format!("“#{what}”后面要写一个名字。"),
    )
}

pub fn bad_property(span: Span, key: &str) -> Diagnostic {
    err(
        span,
        format!("I don't know the property “{}”.", short(key)),
        format!("我不认识“{}”这个属性。", short(key)),
    )
    .with_hint(m(
        "Use x=, y=, direction=, size=, visible=, draggable=, rotation=, costume=, volume= or tempo=.",
        "可以用 x=、y=、方向=、大小=、显示=、可拖动=、旋转方式=、造型=、音量= 或 速度=。",
    ))
}

pub fn bad_value(span: Span, key: &str, value: &str) -> Diagnostic {
    err(
        span,
        format!("“{}” is not a good value for {key}.", short(value)),
        format!("“{}”不是 {key} 可以用的值。", short(value)),
    )
    .with_hint(m(
        "Numbers for x, y, direction, size, volume and tempo; yes or no for visible and draggable; all-around, left-right or don't-rotate for rotation.",
        "x、y、方向、大小、音量、速度用数字；显示、可拖动用 是 或 否；旋转方式用 任意旋转、左右翻转 或 不可旋转。",
    ))
}

pub fn unknown_costume(span: Span, name: &str) -> Diagnostic {
    err(
        span,
        format!("There is no costume called “{}”.", short(name)),
        format!("没有叫“{}”的造型。", short(name)),
    )
    .with_hint(m(
        format!("Add “#costume {name} = file.svg” to this sprite."),
        format!("给这个角色加一行“#造型 {name} = 文件.svg”。"),
    ))
}

pub fn duplicate_name(span: Span, what_en: &str, what_zh: &str, name: &str) -> Diagnostic {
    err(
        span,
        format!("There is already a {what_en} called “{}”.", short(name)),
        format!("已经有一个叫“{}”的{what_zh}了。", short(name)),
    )
    .with_hint(m("Give it a different name.", "换一个名字。"))
}

pub fn shadows_global(span: Span, name: &str) -> Diagnostic {
    warn(
        span,
        format!(
            "“{}” is already a variable for all sprites; this sprite's own one hides it.",
            short(name)
        ),
        format!(
            "“{}”已经是所有角色都能用的变量了；这个角色自己的变量会把它挡住。",
            short(name)
        ),
    )
    .with_hint(m("Give it a different name.", "换一个名字。"))
}

// ------------------------------------------------------------------------------ monitors

fn monitor_hint() -> Message {
    m(
        "Write #monitor NAME and then any of: normal, large, slider 0..100, list, x=5 y=5, w=100 h=200, hidden.",
        "写 #监视器 名字，后面可以加：正常、大字、滑杆 0..100、列表、x=5 y=5、宽=100 高=200、隐藏。",
    )
}

pub fn monitor_bad_word(span: Span, word: &str) -> Diagnostic {
    err(
        span,
        format!("I don't understand “{}” in a #monitor line.", short(word)),
        format!("我看不懂 #监视器 这一行里的“{}”。", short(word)),
    )
    .with_hint(monitor_hint())
}

pub fn monitor_bad_value(span: Span, key: &str, value: &str) -> Diagnostic {
    err(
        span,
        format!("“{}” is not a good value for {key} in a #monitor line.", short(value)),
        format!("“{}”不是 #监视器 里 {key} 可以用的值。", short(value)),
    )
    .with_hint(m(
        "x goes from 0 to 480 and y from 0 to 360 (pixels from the stage's top-left corner); w and h are sizes in pixels; a slider's range looks like 0..100.",
        "x 从 0 到 480，y 从 0 到 360（从舞台左上角数起的像素）；宽、高是像素大小；滑杆的范围写成 0..100 这样。",
    ))
}

pub fn monitor_unknown(span: Span, name: &str, list: bool, similar: &[String]) -> Diagnostic {
    let d = err(
        span,
        format!(
            "There is no variable or list called “{}” to show in a monitor.",
            short(name)
        ),
        format!(
            "没有叫“{}”的变量或列表，所以没法显示它的监视器。",
            short(name)
        ),
    );
    match similar_hint(similar) {
        Some(h) => d.with_hint(h),
        None if list => d.with_hint(m(
            format!("Add the line “#list {name}” to this section to make the list."),
            format!("在这一部分加一行“#列表 {name}”来建立这个列表。"),
        )),
        None => d.with_hint(m(
            format!("Add the line “#variable {name} = 0” to this section to make the variable."),
            format!("在这一部分加一行“#变量 {name} = 0”来建立这个变量。"),
        )),
    }
}

pub fn monitor_wrong_kind(span: Span, name: &str, wanted_list: bool) -> Diagnostic {
    if wanted_list {
        err(
            span,
            format!("“{}” is a variable, not a list.", short(name)),
            format!("“{}”是变量，不是列表。", short(name)),
        )
        .with_hint(m(
            "A variable's monitor is normal, large or slider; remove “list”.",
            "变量的监视器可以是 正常、大字 或 滑杆；把“列表”去掉。",
        ))
    } else {
        err(
            span,
            format!(
                "“{}” is a list: its monitor always shows the whole list.",
                short(name)
            ),
            format!("“{}”是列表：它的监视器总是显示整个列表。", short(name)),
        )
        .with_hint(m(
            "Normal, large and slider are for variables; remove it (or write list).",
            "正常、大字、滑杆 是给变量用的；把它去掉（或者写“列表”）。",
        ))
    }
}

pub fn monitor_twice(span: Span, name: &str) -> Diagnostic {
    err(
        span,
        format!("“{}” already has a monitor.", short(name)),
        format!("“{}”已经有一个监视器了。", short(name)),
    )
    .with_hint(m("Keep one #monitor line for it.", "只保留一行 #监视器。"))
}

pub fn too_many_problems(span: Span, more: usize) -> Diagnostic {
    warn(
        span,
        format!("…and {more} more problems. Fix these first."),
        format!("……还有 {more} 个问题。先改好上面这些吧。"),
    )
}
