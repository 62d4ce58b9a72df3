//! Scratch values and the casting rules of scratch-vm's `src/util/cast.js`.
//!
//! A value is a number, a string or a boolean. Numbers stay unboxed `f64`; strings are
//! reference-counted [`Text`]s, so copying a value never copies text.

use std::borrow::Borrow;
use std::cell::Cell;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::rc::Rc;

/// A Scratch value.
///
/// `==` is structural (same kind, same contents), for tests and the IR; Scratch's `=` is
/// [`equals`].
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Num(f64),
    Str(Text),
    Bool(bool),
}

/// The text of a [`Value::Str`]: an immutable, reference-counted string that reads as a `&str`.
///
/// Short texts (names, letters, numbers, most constants) are a plain `Rc<str>`, which reads with
/// a single indirection. Longer texts are a buffer that remembers its length in UTF-16 units
/// (JavaScript's `length`) once counted, which also says whether it is ASCII, so `letter (i)
/// of` and `length of` on a long text do not scan it on every call; and a long text held in one
/// place only grows in place ([`Text::push_str`]), so `set [s] to (join (s) (…))` in a loop
/// appends instead of copying the whole text every time.
#[derive(Clone)]
pub struct Text(Repr);

#[derive(Clone)]
enum Repr {
    /// At most `SHORT_MAX` bytes.
    Short(Rc<str>),
    /// Longer than `SHORT_MAX` bytes.
    Long(Rc<TextBuf>),
}

struct TextBuf {
    text: String,
    /// The number of UTF-16 units, or `UNKNOWN` until someone asks. Every non-ASCII character
    /// takes more UTF-8 bytes than UTF-16 units, so the text is ASCII exactly when this equals
    /// its length in bytes.
    utf16_len: Cell<usize>,
}

/// The longest text kept as a plain `Rc<str>`: scanning it is about as cheap as remembering.
const SHORT_MAX: usize = 64;
const UNKNOWN: usize = usize::MAX;

/// JavaScript's `length` of a string.
fn count_utf16(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.encode_utf16().count()
    }
}

impl Text {
    fn short(s: &str) -> Text {
        Text(Repr::Short(Rc::from(s)))
    }

    fn long(text: String, utf16_len: usize) -> Text {
        Text(Repr::Long(Rc::new(TextBuf {
            text,
            utf16_len: Cell::new(utf16_len),
        })))
    }

    #[inline]
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Short(s) => s,
            Repr::Long(buf) => &buf.text,
        }
    }

    /// Whether both are the same text object (not merely equal text).
    pub fn ptr_eq(a: &Text, b: &Text) -> bool {
        match (&a.0, &b.0) {
            (Repr::Short(x), Repr::Short(y)) => Rc::ptr_eq(x, y),
            (Repr::Long(x), Repr::Long(y)) => Rc::ptr_eq(x, y),
            _ => false,
        }
    }

    /// The remembered UTF-16 length of a long text (`None` for a short one, or before counting).
    fn known_utf16_len(&self) -> Option<usize> {
        match &self.0 {
            Repr::Long(buf) if buf.utf16_len.get() != UNKNOWN => Some(buf.utf16_len.get()),
            _ => None,
        }
    }

    /// The length in UTF-16 units, as JavaScript counts (remembered for a long text).
    pub fn utf16_len(&self) -> usize {
        match &self.0 {
            Repr::Short(s) => count_utf16(s),
            Repr::Long(buf) => {
                let known = buf.utf16_len.get();
                if known != UNKNOWN {
                    return known;
                }
                let n = count_utf16(&buf.text);
                buf.utf16_len.set(n);
                n
            }
        }
    }

    /// `str::is_ascii` (remembered for a long text).
    pub fn is_ascii(&self) -> bool {
        match &self.0 {
            Repr::Short(s) => s.is_ascii(),
            Repr::Long(buf) => self.utf16_len() == buf.text.len(),
        }
    }

    /// Appends `tail`: in place when this is a long text and the only reference to it, else
    /// into a new text (which this one then is). Other holders of the old text never see a
    /// change.
    pub fn push_str(&mut self, tail: &str) {
        if tail.is_empty() {
            return;
        }
        let utf16_len = self
            .known_utf16_len()
            .map_or(UNKNOWN, |n| n + count_utf16(tail));
        if let Repr::Long(buf) = &mut self.0 {
            if let Some(buf) = Rc::get_mut(buf) {
                buf.text.push_str(tail);
                buf.utf16_len.set(utf16_len);
                return;
            }
        }
        let mut text = String::with_capacity(self.len() + tail.len());
        text.push_str(self);
        text.push_str(tail);
        *self = if text.len() <= SHORT_MAX {
            Text::short(&text)
        } else {
            Text::long(text, utf16_len)
        };
    }

    /// JavaScript's `text[index]` as Scratch's `letter (index + 1) of`: the UTF-16 unit at
    /// `index` as a text, or `None` out of range. Half of a surrogate pair becomes U+FFFD (a
    /// Rust string cannot hold a lone surrogate). `ascii_letters` holds one-letter texts for
    /// the ASCII characters, indexed by code, so an ASCII letter allocates nothing.
    #[inline]
    pub fn utf16_unit_at(&self, index: usize, ascii_letters: &[Text]) -> Option<Text> {
        let bytes = self.as_bytes();
        // A text has at least as many bytes as UTF-16 units.
        let byte = *bytes.get(index)?;
        // When everything up to `index` is ASCII, UTF-16 units and bytes line up. (A long text
        // knows whether it is ASCII; a short one is checked up to `index`.)
        let ascii_prefix = match &self.0 {
            Repr::Long(_) if self.is_ascii() => true,
            _ => bytes.get(..=index).is_some_and(|b| b.is_ascii()),
        };
        if !ascii_prefix {
            return self.non_ascii_unit_at(index);
        }
        Some(match ascii_letters.get(byte as usize) {
            Some(letter) => letter.clone(),
            None => Text::from(char::from(byte).to_string()),
        })
    }

    /// `utf16_unit_at` when the text is not ASCII up to `index`: walks the characters.
    #[inline(never)]
    fn non_ascii_unit_at(&self, index: usize) -> Option<Text> {
        let mut at = 0;
        for c in self.chars() {
            let units = c.len_utf16();
            if index < at + units {
                return Some(if units == 1 {
                    Text::from(c.to_string())
                } else {
                    Text::from(char::REPLACEMENT_CHARACTER.to_string())
                });
            }
            at += units;
        }
        None
    }
}

impl Deref for Text {
    type Target = str;

    #[inline]
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl Default for Text {
    fn default() -> Self {
        Text::short("")
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        if s.len() <= SHORT_MAX {
            Text::short(s)
        } else {
            Text::long(s.to_string(), UNKNOWN)
        }
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        if s.len() <= SHORT_MAX {
            Text::short(&s)
        } else {
            Text::long(s, UNKNOWN)
        }
    }
}

impl From<Rc<str>> for Text {
    fn from(s: Rc<str>) -> Self {
        if s.len() <= SHORT_MAX {
            Text(Repr::Short(s))
        } else {
            Text::long(s.to_string(), UNKNOWN)
        }
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        Text::ptr_eq(self, other) || self.as_str() == other.as_str()
    }
}

impl Eq for Text {}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl Hash for Text {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Default for Value {
    fn default() -> Self {
        Value::Num(0.0)
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Self {
        Value::Num(n)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Str(Text::from(s))
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Str(Text::from(s))
    }
}

impl From<Text> for Value {
    fn from(s: Text) -> Self {
        Value::Str(s)
    }
}

impl Value {
    /// The empty string.
    pub fn empty() -> Value {
        Value::Str(Text::default())
    }

    /// Scratch's `Cast.toNumber`: anything that is not a number becomes 0; NaN becomes 0.
    #[inline(always)]
    pub fn to_number(&self) -> f64 {
        match self {
            Value::Num(n) => {
                if n.is_nan() {
                    0.0
                } else {
                    *n
                }
            }
            Value::Bool(b) => *b as u8 as f64,
            // Out of line, so that the number case stays small enough to inline everywhere.
            Value::Str(s) => text_to_number(s),
        }
    }

    /// Scratch's `Cast.toBoolean`: `''`, `'0'` and `'false'` (any case) are false, other strings
    /// true; numbers are true unless 0 or NaN.
    #[inline]
    pub fn to_bool(&self) -> bool {
        match self {
            Value::Bool(b) => *b,
            Value::Num(n) => *n != 0.0 && !n.is_nan(),
            Value::Str(s) => !(s.is_empty() || &**s == "0" || s.eq_ignore_ascii_case("false")),
        }
    }

    /// Scratch's `Cast.toString` (JavaScript's `String(value)`).
    pub fn to_str(&self) -> Text {
        match self {
            Value::Str(s) => s.clone(),
            _ => Text::from(self.to_string()),
        }
    }

    /// Appends `Cast.toString(self)` to `out` (without making a text of it first).
    pub fn push_to(&self, out: &mut String) {
        match self {
            Value::Str(s) => out.push_str(s),
            Value::Num(n) => out.push_str(&number_to_string(*n)),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        }
    }

    /// True when this is a number, or a string that JavaScript's `Number()` reads as one
    /// (used by `compare` and list search).
    pub fn is_numeric_like(&self) -> bool {
        !self.number_for_compare().is_nan()
    }

    /// `Number(v)` with Scratch's rule that whitespace-only strings are not numbers.
    #[inline(always)]
    fn number_for_compare(&self) -> f64 {
        match self {
            Value::Num(n) => *n,
            Value::Bool(b) => *b as u8 as f64,
            Value::Str(s) => {
                if let Some(n) = simple_integer(s) {
                    return n;
                }
                if s.trim_matches(is_js_whitespace).is_empty() {
                    f64::NAN
                } else {
                    js_string_to_number(s)
                }
            }
        }
    }

    /// Scratch's `Cast.isInt`, used by `pick random`: numbers that are whole (and NaN), booleans,
    /// and strings without a `.`.
    pub fn is_int(&self) -> bool {
        match self {
            // `val === parseInt(val, 10)`: parseInt reads String(val), which uses exponent
            // notation from 1e21 on, so those are not integers.
            Value::Num(n) => n.is_nan() || (n.is_finite() && n.fract() == 0.0 && n.abs() < 1e21),
            Value::Bool(_) => true,
            Value::Str(s) => !s.contains('.'),
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Num(n) => f.write_str(&number_to_string(*n)),
            Value::Str(s) => f.write_str(s),
            Value::Bool(b) => f.write_str(if *b { "true" } else { "false" }),
        }
    }
}

/// `Cast.toNumber` of a text.
#[inline(never)]
fn text_to_number(s: &str) -> f64 {
    let n = js_string_to_number(s);
    if n.is_nan() {
        0.0
    } else {
        n
    }
}

/// Scratch's `Cast.compare`: numeric when both sides are numbers (a whitespace-only string is
/// not), otherwise case-insensitive string comparison. Infinity equals itself.
pub fn compare(a: &Value, b: &Value) -> Ordering {
    // Fast path: two numbers.
    if let (Value::Num(x), Value::Num(y)) = (a, b) {
        if !x.is_nan() && !y.is_nan() {
            return x.partial_cmp(y).unwrap_or(Ordering::Equal);
        }
    }
    // Fast path: two texts, one of which cannot be a number (`letter (i) of (s) = [a]`).
    if let (Value::Str(x), Value::Str(y)) = (a, b) {
        if surely_not_number(x) || surely_not_number(y) {
            return compare_text(x, y);
        }
    }
    let n1 = a.number_for_compare();
    let n2 = b.number_for_compare();
    if n1.is_nan() || n2.is_nan() {
        return compare_text(&a.to_str(), &b.to_str());
    }
    if n1 == n2 {
        // Covers Infinity == Infinity too.
        return Ordering::Equal;
    }
    n1.partial_cmp(&n2).unwrap_or(Ordering::Equal)
}

/// Whether `number_for_compare` of this text is NaN, by its first byte alone: it is empty
/// (whitespace only), or starts with an ASCII character that cannot begin a JavaScript number
/// or whitespace (a digit, `.`, `+`, `-`, `I` of `Infinity`). `false` means "maybe a number".
#[inline]
fn surely_not_number(s: &str) -> bool {
    match s.as_bytes().first() {
        None => true,
        Some(&c) => {
            c.is_ascii()
                && !c.is_ascii_digit()
                && !matches!(c, b'.' | b'+' | b'-' | b'I' | b' ' | b'\t'..=b'\r')
        }
    }
}

/// Scratch's text comparison: JavaScript's `toLowerCase` on both, then UTF-16 order.
fn compare_text(t1: &Text, t2: &Text) -> Ordering {
    if t1.is_ascii() && t2.is_ascii() {
        // The same order without allocating lower-cased copies.
        if t1.len() == t2.len() && t1.eq_ignore_ascii_case(t2) {
            return Ordering::Equal;
        }
        let lower1 = t1.bytes().map(|c| c.to_ascii_lowercase());
        return lower1.cmp(t2.bytes().map(|c| c.to_ascii_lowercase()));
    }
    let s1 = js_lowercase(t1);
    let s2 = js_lowercase(t2);
    compare_utf16(&s1, &s2)
}

/// `operator_equals`.
#[inline]
pub fn equals(a: &Value, b: &Value) -> bool {
    compare(a, b) == Ordering::Equal
}

/// JavaScript compares strings by UTF-16 code units; for text without astral characters this is
/// the same as comparing chars, and this function makes it exact for those too.
fn compare_utf16(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// JavaScript's `toLowerCase` for the cases that matter: Unicode lowercase mapping.
pub fn js_lowercase(s: &str) -> String {
    if s.is_ascii() {
        s.to_ascii_lowercase()
    } else {
        s.to_lowercase()
    }
}

/// The whitespace JavaScript's `String.prototype.trim` and `Number()` strip.
pub fn is_js_whitespace(c: char) -> bool {
    matches!(
        c,
        '\u{9}'..='\u{d}'
            | ' '
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
            | '\u{feff}'
    )
}

/// The common case of `Number(string)` made fast: up to 15 ASCII digits with an optional `-`
/// (variables set from literals hold strings like "0" and "1").
#[inline]
fn simple_integer(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let (negative, digits) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        _ => (false, b),
    };
    if digits.is_empty() || digits.len() > 15 {
        return None;
    }
    let mut n: u64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u64::from(c - b'0');
    }
    Some(if negative { -(n as f64) } else { n as f64 })
}

/// JavaScript's `Number(string)`: trims whitespace; empty is 0; accepts decimal literals with
/// optional sign and exponent, `Infinity`, and `0x`/`0o`/`0b` integers (unsigned). Anything else
/// is NaN.
pub fn js_string_to_number(s: &str) -> f64 {
    if let Some(n) = simple_integer(s) {
        return n;
    }
    let t = s.trim_matches(is_js_whitespace);
    if t.is_empty() {
        return 0.0;
    }
    let bytes = t.as_bytes();
    if bytes.len() > 2 && bytes[0] == b'0' {
        let radix = match bytes[1] {
            b'x' | b'X' => 16,
            b'o' | b'O' => 8,
            b'b' | b'B' => 2,
            _ => 0,
        };
        if radix != 0 {
            let digits = &t[2..];
            if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
                return f64::NAN;
            }
            let mut n = 0.0f64;
            for c in digits.chars() {
                n = n * radix as f64 + c.to_digit(radix).unwrap_or(0) as f64;
            }
            return n;
        }
    }
    let (sign, body) = match bytes[0] {
        b'+' => (1.0, &t[1..]),
        b'-' => (-1.0, &t[1..]),
        _ => (1.0, t),
    };
    if body == "Infinity" {
        return sign * f64::INFINITY;
    }
    // A JS decimal literal: digits [. digits] [e[+-]digits], at least one digit in the mantissa.
    let b = body.as_bytes();
    let mut i = 0;
    let mut mantissa_digits = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
        mantissa_digits += 1;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
            mantissa_digits += 1;
        }
    }
    if mantissa_digits == 0 {
        return f64::NAN;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let exp_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == exp_start {
            return f64::NAN;
        }
    }
    if i != b.len() {
        return f64::NAN;
    }
    // Rust's parser accepts exactly this grammar (plus forms we have excluded above).
    match body.parse::<f64>() {
        Ok(n) => sign * n,
        Err(_) => f64::NAN,
    }
}

/// JavaScript's `Number.prototype.toString()` for a number: the shortest digits that read back
/// as the same number, in fixed notation for 1e-7 < |n| < 1e21 and exponent notation otherwise.
pub fn number_to_string(n: f64) -> String {
    if n.is_nan() {
        return "NaN".to_string();
    }
    if n == 0.0 {
        return "0".to_string();
    }
    if n.is_infinite() {
        return if n > 0.0 { "Infinity" } else { "-Infinity" }.to_string();
    }
    if n.fract() == 0.0 && n.abs() < 1e15 {
        // Whole numbers, the common case.
        return format!("{}", n as i64);
    }
    // Rust's `{:e}` gives the shortest round-trip digits: "1.2345e-7".
    let sci = format!("{:e}", n.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let k = digits.len() as i32;
    // JS: n = digits × 10^(e - k + 1) with e the decimal exponent of the first digit.
    let point = exp + 1; // position of the decimal point relative to the digits
    let mut out = String::new();
    if n < 0.0 {
        out.push('-');
    }
    if k <= point && point <= 21 {
        out.push_str(&digits);
        for _ in 0..(point - k) {
            out.push('0');
        }
    } else if 0 < point && point <= 21 {
        out.push_str(&digits[..point as usize]);
        out.push('.');
        out.push_str(&digits[point as usize..]);
    } else if -6 < point && point <= 0 {
        out.push_str("0.");
        for _ in 0..(-point) {
            out.push('0');
        }
        out.push_str(&digits);
    } else {
        let e = point - 1;
        out.push_str(&digits[..1]);
        if k > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if e >= 0 { '+' } else { '-' });
        out.push_str(&e.abs().to_string());
    }
    out
}

/// The result of Scratch's `Cast.toListIndex`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListIndex {
    /// A valid 1-based index, already checked against the length (for `insert`, it may be
    /// `length + 1`).
    Index(usize),
    /// `all` where it is accepted (`delete all`).
    All,
    /// Out of range or not an index.
    Invalid,
}

/// Scratch's `Cast.toListIndex(index, length, acceptAll)`: `last`, `random`/`any`, `all` (when
/// accepted); numbers are floored; anything out of `1..=length` is invalid.
pub fn to_list_index(index: &Value, length: usize, accept_all: bool) -> ListIndex {
    if let Value::Str(s) = index {
        match &**s {
            "all" => {
                return if accept_all {
                    ListIndex::All
                } else {
                    ListIndex::Invalid
                }
            }
            "last" => {
                return if length > 0 {
                    ListIndex::Index(length)
                } else {
                    ListIndex::Invalid
                }
            }
            "random" | "any" => {
                // The caller picks the random item: scratch-vm uses Math.random here; we keep
                // the VM deterministic by returning a marker the caller resolves.
                return if length > 0 {
                    ListIndex::Index(usize::MAX)
                } else {
                    ListIndex::Invalid
                };
            }
            _ => {}
        }
    }
    let n = index.to_number().floor();
    if n < 1.0 || n > length as f64 {
        return ListIndex::Invalid;
    }
    ListIndex::Index(n as usize)
}

/// A list shown as text (`data_listcontents`, `say (my list)`): items joined with `''` when every
/// item is a single character, otherwise with `' '`.
pub fn list_to_string(items: &[Value]) -> String {
    // Only strings count (`typeof item === 'string' && item.length === 1` in scratch-vm), so a
    // list of the numbers 1, 2, 3 made by reporters shows as "1 2 3".
    let all_single = items
        .iter()
        .all(|v| matches!(v, Value::Str(s) if s.len() <= 3 && s.utf16_len() == 1));
    let sep = if all_single { "" } else { " " };
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(&item.to_str());
    }
    out
}

/// The largest number of items a list may hold.
pub const LIST_ITEM_LIMIT: usize = 200_000;

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> Value {
        Value::from(text)
    }

    #[test]
    fn to_number_follows_javascript_number() {
        let cases: &[(&str, f64)] = &[
            ("", 0.0),
            ("  ", 0.0),
            ("12", 12.0),
            (" 12 ", 12.0),
            ("1e3", 1000.0),
            (".5", 0.5),
            ("5.", 5.0),
            ("+5", 5.0),
            ("-5", -5.0),
            ("0x1F", 31.0),
            ("0b101", 5.0),
            ("0o17", 15.0),
            ("Infinity", f64::INFINITY),
            ("-Infinity", f64::NEG_INFINITY),
            ("abc", 0.0),
            ("12abc", 0.0),
            ("inf", 0.0),
            ("NaN", 0.0),
            ("1e", 0.0),
            ("-0x10", 0.0),
            ("1_000", 0.0),
        ];
        for (text, want) in cases {
            assert_eq!(s(text).to_number(), *want, "toNumber({text:?})");
        }
        assert_eq!(Value::Bool(true).to_number(), 1.0);
        assert_eq!(Value::Num(f64::NAN).to_number(), 0.0);
    }

    #[test]
    fn to_bool_rules() {
        for f in ["", "0", "false", "FALSE", "False"] {
            assert!(!s(f).to_bool(), "{f:?} is false");
        }
        for t in ["1", "true", "abc", " ", "0.0", "no"] {
            assert!(s(t).to_bool(), "{t:?} is true");
        }
        assert!(!Value::Num(0.0).to_bool());
        assert!(!Value::Num(f64::NAN).to_bool());
        assert!(Value::Num(-1.0).to_bool());
    }

    #[test]
    fn numbers_print_like_javascript() {
        let cases: &[(f64, &str)] = &[
            (0.0, "0"),
            (-0.0, "0"),
            (1.0, "1"),
            (-12.0, "-12"),
            (0.1 + 0.2, "0.30000000000000004"),
            (1.5, "1.5"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (123456789012345680000.0, "123456789012345680000"),
            (1e-7, "1e-7"),
            (1.5e-7, "1.5e-7"),
            (0.000001, "0.000001"),
            (2.5e-6, "0.0000025"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
            (f64::NAN, "NaN"),
            (1e300, "1e+300"),
            (-3.14158, "-3.14158"),
            (123456.789, "123456.789"),
            (1e15 + 0.5, "1000000000000000.5"),
            (2f64.powi(60), "1152921504606847000"),
        ];
        for (n, want) in cases {
            assert_eq!(number_to_string(*n), *want, "String({n:e})");
        }
    }

    #[test]
    fn compare_rules() {
        use Ordering::*;
        assert_eq!(compare(&s("10"), &Value::Num(9.0)), Greater);
        assert_eq!(compare(&s("abc"), &s("ABC")), Equal);
        assert_eq!(compare(&s("a"), &s("b")), Less);
        // Numeric when both are numbers: "10" > "9".
        assert_eq!(compare(&s("10"), &s("9")), Greater);
        // A whitespace-only string is not a number, so this compares as text.
        assert_eq!(compare(&s(" "), &Value::Num(0.0)), Less);
        assert!(!equals(&s(""), &Value::Num(0.0)));
        assert!(equals(&s("1.0"), &Value::Num(1.0)));
        assert!(equals(&Value::Num(f64::INFINITY), &s("Infinity")));
        assert!(equals(&s("true"), &Value::Bool(true)));
        // NaN is not a number for compare, so both become the text "NaN", which is equal.
        assert!(equals(&Value::Num(f64::NAN), &Value::Num(f64::NAN)));
    }

    #[test]
    fn compare_fast_path_agrees_with_the_general_rule() {
        // `compare` without its shortcut for texts that cannot be numbers.
        fn general(a: &Value, b: &Value) -> Ordering {
            let (n1, n2) = (a.number_for_compare(), b.number_for_compare());
            if n1.is_nan() || n2.is_nan() {
                compare_text(&a.to_str(), &b.to_str())
            } else if n1 == n2 {
                Ordering::Equal
            } else {
                n1.partial_cmp(&n2).unwrap_or(Ordering::Equal)
            }
        }
        let texts = [
            "",
            " ",
            "\t",
            "\u{a0}",
            "0",
            "00",
            "1",
            "-1",
            "+1",
            ".5",
            "1e3",
            "0x10",
            "Infinity",
            "-Infinity",
            "infinity",
            "I",
            "a",
            "A",
            "b",
            "abc",
            "ABC",
            "é",
            "É",
            "日本",
            "NaN",
            "true",
            "1 ",
            " 1",
            "x1",
        ];
        for x in texts {
            for y in texts {
                let (a, b) = (s(x), s(y));
                assert_eq!(compare(&a, &b), general(&a, &b), "compare({x:?}, {y:?})");
            }
        }
    }

    #[test]
    fn text_grows_without_changing_other_holders() {
        let long = "x".repeat(100);
        let mut a = Text::from(long.as_str());
        let shared = a.clone();
        a.push_str("y");
        assert_eq!(&*shared, long);
        assert_eq!(a.len(), 101);
        // Now `a` is its own; it grows in place and stays equal to a fresh text.
        for _ in 0..1000 {
            a.push_str("é");
        }
        assert_eq!(a.utf16_len(), 1101);
        assert!(!a.is_ascii());
        assert_eq!(a, Text::from(format!("{long}y{}", "é".repeat(1000))));
        // A short text that grows becomes long.
        let mut b = Text::from("ab");
        let b0 = b.clone();
        b.push_str(&"c".repeat(70));
        assert_eq!(&*b0, "ab");
        assert_eq!(b.utf16_len(), 72);
        assert!(b.is_ascii());
    }

    #[test]
    fn text_letters_are_utf16_units() {
        let letters: Vec<Text> = (0u8..128)
            .map(|c| Text::from(char::from(c).to_string()))
            .collect();
        let at = |t: &str, i: usize| {
            Text::from(t)
                .utf16_unit_at(i, &letters)
                .map(|l| l.to_string())
        };
        assert_eq!(at("hello", 1).as_deref(), Some("e"));
        assert_eq!(at("hello", 5), None);
        assert_eq!(at("héllo", 1).as_deref(), Some("é"));
        assert_eq!(at("héllo", 2).as_deref(), Some("l"));
        assert_eq!(at("héllo", 4).as_deref(), Some("o"));
        assert_eq!(at("héllo", 5), None);
        // Half of a surrogate pair cannot be held by a Rust string.
        assert_eq!(at("a😀b", 1).as_deref(), Some("\u{fffd}"));
        assert_eq!(at("a😀b", 2).as_deref(), Some("\u{fffd}"));
        assert_eq!(at("a😀b", 3).as_deref(), Some("b"));
        assert_eq!(at("a😀b", 4), None);
        let long = format!("{}é{}", "a".repeat(80), "b".repeat(80));
        assert_eq!(at(&long, 79).as_deref(), Some("a"));
        assert_eq!(at(&long, 80).as_deref(), Some("é"));
        assert_eq!(at(&long, 81).as_deref(), Some("b"));
        assert_eq!(at(&long, 161), None);
        assert_eq!(Text::from("a😀b").utf16_len(), 4);
        assert_eq!(Text::from(long.as_str()).utf16_len(), 161);
    }

    #[test]
    fn is_int_rules() {
        assert!(s("1").is_int());
        assert!(!s("1.0").is_int());
        assert!(Value::Num(2.0).is_int());
        assert!(!Value::Num(2.5).is_int());
        assert!(Value::Bool(true).is_int());
    }

    #[test]
    fn list_index_rules() {
        assert_eq!(to_list_index(&s("last"), 3, false), ListIndex::Index(3));
        assert_eq!(to_list_index(&s("last"), 0, false), ListIndex::Invalid);
        assert_eq!(to_list_index(&s("all"), 3, true), ListIndex::All);
        assert_eq!(to_list_index(&s("all"), 3, false), ListIndex::Invalid);
        assert_eq!(
            to_list_index(&Value::Num(2.9), 3, false),
            ListIndex::Index(2)
        );
        assert_eq!(
            to_list_index(&Value::Num(0.5), 3, false),
            ListIndex::Invalid
        );
        assert_eq!(
            to_list_index(&Value::Num(4.0), 3, false),
            ListIndex::Invalid
        );
        assert_eq!(to_list_index(&s("abc"), 3, false), ListIndex::Invalid);
        assert_eq!(
            to_list_index(&s("random"), 3, false),
            ListIndex::Index(usize::MAX)
        );
        assert_eq!(to_list_index(&s("any"), 0, false), ListIndex::Invalid);
    }

    #[test]
    fn list_as_text() {
        assert_eq!(list_to_string(&[s("a"), s("b"), s("c")]), "abc");
        assert_eq!(list_to_string(&[s("a"), s("bc")]), "a bc");
        assert_eq!(list_to_string(&[]), "");
        assert_eq!(list_to_string(&[Value::Num(1.0), Value::Num(2.0)]), "1 2");
    }
}
