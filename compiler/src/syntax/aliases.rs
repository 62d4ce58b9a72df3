//! Other ways people write some blocks: scratchblocks' aliases and icons, and the Scratch 2
//! wording still common on wikis and forums. `%N` means the block's `args[N-1]`, as in the
//! catalog's templates.
//!
//! FIXME(catalog): this would sit better as an `aliases` list beside each block in
//! `catalog/blocks.rs`; it lives here until the catalog grows one.

/// (template, opcode).
pub static ALIASES: &[(&str, &str)] = &[
    // English (scratchblocks `english.aliases` and icons).
    ("when flag clicked", "event_whenflagclicked"),
    ("when gf clicked", "event_whenflagclicked"),
    ("when green flag clicked", "event_whenflagclicked"),
    ("when @greenFlag clicked", "event_whenflagclicked"),
    ("when ⚑ clicked", "event_whenflagclicked"),
    ("turn cw %1 degrees", "motion_turnright"),
    ("turn ccw %1 degrees", "motion_turnleft"),
    ("turn @turnRight %1 degrees", "motion_turnright"),
    ("turn @turnLeft %1 degrees", "motion_turnleft"),
    ("turn ↻ %1 degrees", "motion_turnright"),
    ("turn ↺ %1 degrees", "motion_turnleft"),
    // Scratch 2 wording (scratchblocks `renamedBlocks`).
    ("say %1 for %2 secs", "looks_sayforsecs"),
    ("think %1 for %2 secs", "looks_thinkforsecs"),
    ("play sound %1", "sound_play"),
    ("wait %1 secs", "control_wait"),
    ("clear", "pen_clear"),
    // Chinese (scratchblocks `zh-cn` commands and aliases).
    ("当 @greenFlag 被点击", "event_whenflagclicked"),
    ("当 ⚑ 被点击", "event_whenflagclicked"),
    ("点击绿旗时", "event_whenflagclicked"),
    ("当绿旗被点击时", "event_whenflagclicked"),
    ("右转 @turnRight %1 度", "motion_turnright"),
    ("左转 @turnLeft %1 度", "motion_turnleft"),
    ("右转 ↻ %1 度", "motion_turnright"),
    ("左转 ↺ %1 度", "motion_turnleft"),
];
