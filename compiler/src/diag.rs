//! The one diagnostic type of the front end and compiler.
//!
//! A diagnostic is plain data: the CLI renders it with ariadne, the playground highlights the
//! block it points at. Every message exists in English and Simplified Chinese and is written for
//! a ten-year-old.

use crate::catalog::Lang;
pub use starling_runtime::program::SourceLoc;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Something odd that still runs (an unused variable, a block that does nothing).
    Warning,
    /// The program cannot run as written.
    Error,
}

/// A text in every language Starling speaks.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Message {
    pub en: String,
    pub zh: String,
}

impl Message {
    pub fn new(en: impl Into<String>, zh: impl Into<String>) -> Message {
        Message {
            en: en.into(),
            zh: zh.into(),
        }
    }

    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::ZhCn => &self.zh,
        }
    }
}

/// A secondary place the diagnostic points at ("this `repeat` needs an `end`").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub loc: SourceLoc,
    pub message: Message,
}

/// A problem found in a program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Where the problem is: a span of the source text or an .sb3 block id.
    pub loc: SourceLoc,
    pub message: Message,
    pub labels: Vec<Label>,
    /// What to do about it, when we can tell.
    pub hint: Option<Message>,
}

impl Diagnostic {
    pub fn error(loc: SourceLoc, message: Message) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            loc,
            message,
            labels: Vec::new(),
            hint: None,
        }
    }

    pub fn warning(loc: SourceLoc, message: Message) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            loc,
            message,
            labels: Vec::new(),
            hint: None,
        }
    }

    pub fn with_hint(mut self, hint: Message) -> Diagnostic {
        self.hint = Some(hint);
        self
    }

    pub fn with_label(mut self, loc: SourceLoc, message: Message) -> Diagnostic {
        self.labels.push(Label { loc, message });
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// A one-line plain rendering (`error 3..7: message (hint)`), used by tests and by hosts
    /// that have no richer display.
    pub fn to_plain(&self, lang: Lang) -> String {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let at = match &self.loc {
            SourceLoc::Span { start, end } => format!(" {start}..{end}"),
            SourceLoc::Block(id) => format!(" block {id}"),
            SourceLoc::None => String::new(),
        };
        let mut out = format!("{sev}{at}: {}", self.message.get(lang));
        if let Some(h) = &self.hint {
            out.push_str(&format!(" (hint: {})", h.get(lang)));
        }
        out
    }
}

/// Makes a span location.
pub fn span(start: usize, end: usize) -> SourceLoc {
    SourceLoc::Span {
        start: start as u32,
        end: end as u32,
    }
}
