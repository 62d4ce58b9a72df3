//! project.json as Scratch writes it, read into plain structs.
//!
//! Scratch 3 projects come from many tools (Scratch 3 itself, its sb2 converter, TurboWarp,
//! hand-made generators), so every field is tolerant: numbers may arrive as text, objects may be
//! missing or `null`, lists may be empty objects. Only the top-level shape is strict: `targets`
//! must be a list of objects, or there is no project to speak of.
//!
//! Blocks are kept as `serde_json::Value`s by serde and decoded here by hand into [`RawBlock`],
//! because their inputs are heterogeneous arrays (`[1, [4, "10"]]`, `[3, "id", [10, ""]]`).

use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};
use starling_runtime::value::number_to_string;

/// The whole project.json.
#[derive(Debug, Deserialize)]
pub(crate) struct RawProject {
    pub targets: Vec<RawTarget>,
    #[serde(default, deserialize_with = "capped_monitors")]
    pub monitors: RawMonitors,
}

/// At most this many monitors are read; the rest of the array is skipped unread. Scratch makes
/// one per variable, list or reporter whose checkbox was ever ticked, so real projects stay far
/// below it.
pub(crate) const MAX_MONITORS: usize = 10_000;

/// The `monitors` array: the entries that are objects (up to [`MAX_MONITORS`]), and how many
/// entries were skipped (not objects, or past the limit).
#[derive(Debug, Default)]
pub(crate) struct RawMonitors {
    pub monitors: Vec<RawMonitor>,
    pub skipped: usize,
}

/// A monitor: the display of a variable, a list or a reporter (`x position`, `timer`) on the
/// stage.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawMonitor {
    /// For a variable or list: its id.
    #[serde(default, deserialize_with = "lenient_string")]
    pub id: Option<String>,
    /// `default`, `large`, `slider` or `list`.
    #[serde(default, deserialize_with = "lenient_string")]
    pub mode: Option<String>,
    /// `data_variable`, `data_listcontents`, or a reporter's opcode.
    #[serde(default, deserialize_with = "lenient_string")]
    pub opcode: Option<String>,
    /// The block's fields: `{"VARIABLE": name}` or `{"LIST": name}`.
    #[serde(default, deserialize_with = "lenient_map")]
    pub params: Map<String, Value>,
    /// The sprite that owns the variable; `null` for the stage.
    #[serde(default, deserialize_with = "lenient_string")]
    pub sprite_name: Option<String>,
    #[serde(default, deserialize_with = "lenient_f64")]
    pub x: Option<f64>,
    #[serde(default, deserialize_with = "lenient_f64")]
    pub y: Option<f64>,
    #[serde(default, deserialize_with = "lenient_f64")]
    pub width: Option<f64>,
    #[serde(default, deserialize_with = "lenient_f64")]
    pub height: Option<f64>,
    #[serde(default, deserialize_with = "lenient_f64")]
    pub slider_min: Option<f64>,
    #[serde(default, deserialize_with = "lenient_f64")]
    pub slider_max: Option<f64>,
    #[serde(default, deserialize_with = "lenient_bool")]
    pub is_discrete: Option<bool>,
    #[serde(default, deserialize_with = "lenient_bool")]
    pub visible: Option<bool>,
}

/// Reads `monitors` leniently: anything but an array is no monitors; entries past
/// [`MAX_MONITORS`] are skipped without being kept.
fn capped_monitors<'de, D: Deserializer<'de>>(d: D) -> Result<RawMonitors, D::Error> {
    use serde::de::{IgnoredAny, SeqAccess, Visitor};

    struct Monitors;

    impl<'de> Visitor<'de> for Monitors {
        type Value = RawMonitors;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list of monitors")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawMonitors, A::Error> {
            let mut out = RawMonitors::default();
            while out.monitors.len() < MAX_MONITORS {
                let Some(v) = seq.next_element::<Value>()? else {
                    return Ok(out);
                };
                match v {
                    Value::Object(_) => match serde_json::from_value::<RawMonitor>(v) {
                        Ok(m) => out.monitors.push(m),
                        Err(_) => out.skipped += 1,
                    },
                    _ => out.skipped += 1,
                }
            }
            while seq.next_element::<IgnoredAny>()?.is_some() {
                out.skipped += 1;
            }
            Ok(out)
        }

        // Anything else (an object, a number, null) means no monitors.
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<RawMonitors, A::Error> {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok(RawMonitors::default())
        }

        fn visit_unit<E>(self) -> Result<RawMonitors, E> {
            Ok(RawMonitors::default())
        }

        fn visit_bool<E>(self, _: bool) -> Result<RawMonitors, E> {
            Ok(RawMonitors::default())
        }

        fn visit_i64<E>(self, _: i64) -> Result<RawMonitors, E> {
            Ok(RawMonitors::default())
        }

        fn visit_u64<E>(self, _: u64) -> Result<RawMonitors, E> {
            Ok(RawMonitors::default())
        }

        fn visit_f64<E>(self, _: f64) -> Result<RawMonitors, E> {
            Ok(RawMonitors::default())
        }

        fn visit_str<E>(self, _: &str) -> Result<RawMonitors, E> {
            Ok(RawMonitors::default())
        }
    }

    d.deserialize_any(Monitors)
}

/// A stage or sprite.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawTarget {
    #[serde(default, deserialize_with = "lenient_bool")]
    pub is_stage: Option<bool>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "lenient_map")]
    pub variables: Map<String, Value>,
    #[serde(default, deserialize_with = "lenient_map")]
    pub lists: Map<String, Value>,
    #[serde(default, deserialize_with = "lenient_map")]
    pub broadcasts: Map<String, Value>,
    #[serde(default, deserialize_with = "lenient_map")]
    pub blocks: Map<String, Value>,
    #[serde(default, deserialize_with = "lenient_vec")]
    pub costumes: Vec<RawCostume>,
    #[serde(default, deserialize_with = "lenient_vec")]
    pub sounds: Vec<RawSound>,
    #[serde(default, deserialize_with = "lenient_f64")]
    pub current_costume: Option<f64>,
    #[serde(default, deserialize_with = "lenient_f64")]
    pub x: Option<f64>,
    #[serde(default, deserialize_with = "lenient_f64")]
    pub y: Option<f64>,
    #[serde(default, deserialize_with = "lenient_f64")]
    pub direction: Option<f64>,
    #[serde(default, deserialize_with = "lenient_f64")]
    pub size: Option<f64>,
    #[serde(default, deserialize_with = "lenient_bool")]
    pub visible: Option<bool>,
    #[serde(default, deserialize_with = "lenient_bool")]
    pub draggable: Option<bool>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub rotation_style: Option<String>,
    #[serde(default, deserialize_with = "lenient_f64")]
    pub volume: Option<f64>,
    #[serde(default, deserialize_with = "lenient_f64")]
    pub tempo: Option<f64>,
    #[serde(default, deserialize_with = "lenient_f64")]
    pub layer_order: Option<f64>,
}

/// A costume's metadata; the picture itself is an asset file named `md5ext`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawCostume {
    #[serde(default, deserialize_with = "lenient_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub asset_id: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub md5ext: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub data_format: Option<String>,
    #[serde(default, deserialize_with = "lenient_f64")]
    pub bitmap_resolution: Option<f64>,
    #[serde(default, deserialize_with = "lenient_f64")]
    pub rotation_center_x: Option<f64>,
    #[serde(default, deserialize_with = "lenient_f64")]
    pub rotation_center_y: Option<f64>,
}

/// A sound's metadata; the audio is an asset file named `md5ext`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawSound {
    #[serde(default, deserialize_with = "lenient_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub asset_id: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub md5ext: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub data_format: Option<String>,
    #[serde(default, deserialize_with = "lenient_f64")]
    pub rate: Option<f64>,
    #[serde(default, deserialize_with = "lenient_f64")]
    pub sample_count: Option<f64>,
}

impl RawCostume {
    /// The asset file name, as scratch-vm works it out: `md5ext`, else `assetId.dataFormat`.
    pub fn file(&self) -> Option<String> {
        asset_file(&self.md5ext, &self.asset_id, &self.data_format, "png")
    }
}

impl RawSound {
    pub fn file(&self) -> Option<String> {
        asset_file(&self.md5ext, &self.asset_id, &self.data_format, "wav")
    }
}

fn asset_file(
    md5ext: &Option<String>,
    asset_id: &Option<String>,
    data_format: &Option<String>,
    default_format: &str,
) -> Option<String> {
    if let Some(f) = md5ext.as_ref().filter(|f| !f.is_empty()) {
        return Some(f.clone());
    }
    let id = asset_id.as_ref().filter(|id| !id.is_empty())?;
    let format = data_format
        .as_deref()
        .filter(|f| !f.is_empty())
        .unwrap_or(default_format);
    Some(format!("{id}.{format}"))
}

// ---------------------------------------------------------------------------------------------
// Lenient field readers: a wrong type reads as "absent" instead of failing the whole project.
// ---------------------------------------------------------------------------------------------

fn lenient_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    Ok(value_f64(&Value::deserialize(d)?))
}

fn lenient_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Bool(b) => Some(b),
        Value::String(s) => match s.as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        },
        Value::Number(n) => n.as_f64().map(|n| n != 0.0),
        _ => None,
    })
}

fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Null => None,
        other => Some(value_text(&other)),
    })
}

fn lenient_map<'de, D: Deserializer<'de>>(d: D) -> Result<Map<String, Value>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Object(m) => m,
        _ => Map::new(),
    })
}

fn lenient_vec<'de, D: Deserializer<'de>, T: for<'a> Deserialize<'a>>(
    d: D,
) -> Result<Vec<T>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Array(items) => items
            .into_iter()
            .filter_map(|v| serde_json::from_value(v).ok())
            .collect(),
        _ => Vec::new(),
    })
}

/// A JSON value as a number: numbers, and text that reads as a finite number.
pub(crate) fn value_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok().filter(|n| n.is_finite()),
        _ => None,
    }
}

/// A JSON value as the text Scratch would see (JavaScript's `String(value)` for scalars).
pub(crate) fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => number_to_string(n.as_f64().unwrap_or(0.0)),
        Value::Bool(b) => b.to_string(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Blocks
// ---------------------------------------------------------------------------------------------

/// One entry of a target's `blocks` object.
#[derive(Debug, Clone)]
pub(crate) enum RawBlock {
    Block(BlockData),
    /// A variable or list reporter lying loose on the workspace: `[12, name, id, x, y]`.
    TopPrimitive(Prim),
}

#[derive(Debug, Clone)]
pub(crate) struct BlockData {
    pub opcode: String,
    pub next: Option<String>,
    pub inputs: Vec<(String, RawInput)>,
    pub fields: Vec<(String, RawField)>,
    pub shadow: bool,
    pub top_level: bool,
    pub mutation: Option<Map<String, Value>>,
}

impl BlockData {
    pub fn input(&self, name: &str) -> Option<&RawInput> {
        self.inputs.iter().find(|(n, _)| n == name).map(|(_, i)| i)
    }

    pub fn field(&self, name: &str) -> Option<&RawField> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, f)| f)
    }

    /// A mutation attribute as text (`proccode`, `argumentids`, …).
    pub fn mutation_text(&self, key: &str) -> Option<String> {
        self.mutation
            .as_ref()?
            .get(key)
            .filter(|v| !v.is_null())
            .map(value_text)
    }

    /// A mutation attribute holding a JSON array, which Scratch stores as text
    /// (`"[\"a\",\"b\"]"`) and some tools as a real array.
    pub fn mutation_list(&self, key: &str) -> Vec<Value> {
        let Some(v) = self.mutation.as_ref().and_then(|m| m.get(key)) else {
            return Vec::new();
        };
        match v {
            Value::Array(items) => items.clone(),
            Value::String(s) => match serde_json::from_str::<Value>(s) {
                Ok(Value::Array(items)) => items,
                _ => Vec::new(),
            },
            _ => Vec::new(),
        }
    }
}

/// An input: `[1, shadow]`, `[2, block]` or `[3, block, shadow]`.
#[derive(Debug, Clone)]
pub(crate) struct RawInput {
    /// What runs: a reporter, or the shadow itself when nothing covers it.
    pub block: Option<Ref>,
    /// The shadow under a reporter (the value typed in the slot before it was covered).
    pub shadow: Option<Ref>,
}

/// What an input points at.
#[derive(Debug, Clone)]
pub(crate) enum Ref {
    Id(String),
    Prim(Prim),
}

/// A compressed primitive (`[4, "10"]`, `[11, "message1", "id"]`, `[12, "score", "id"]`).
#[derive(Debug, Clone)]
pub(crate) enum Prim {
    /// 4–10: math_number … text; the value as text.
    Literal(String),
    /// 11: a broadcast menu.
    Broadcast { name: String, id: Option<String> },
    /// 12: a variable reporter.
    Var { name: String, id: Option<String> },
    /// 13: a list reporter.
    List { name: String, id: Option<String> },
}

/// A field: `[value]` or `[value, id]`.
#[derive(Debug, Clone)]
pub(crate) struct RawField {
    pub value: String,
    pub id: Option<String>,
}

/// Why a block could not be read.
pub(crate) type Malformed = String;

/// Decodes one entry of `blocks`, taking its strings rather than copying them.
pub(crate) fn parse_block(v: Value) -> Result<RawBlock, Malformed> {
    match v {
        Value::Array(items) => match parse_prim(items)? {
            p @ (Prim::Var { .. } | Prim::List { .. }) => Ok(RawBlock::TopPrimitive(p)),
            _ => Err("a loose value that is not a variable or list".into()),
        },
        Value::Object(mut o) => {
            let mut take = |key: &str| o.get_mut(key).map(Value::take).unwrap_or(Value::Null);
            let opcode = match take("opcode") {
                Value::String(s) => s,
                _ => return Err("a block with no opcode".into()),
            };
            let next = opt_id(take("next"));
            let mut inputs = Vec::new();
            if let Value::Object(m) = take("inputs") {
                for (name, desc) in m {
                    if let Some(input) = parse_input(desc)? {
                        inputs.push((name, input));
                    }
                }
            }
            let mut fields = Vec::new();
            if let Value::Object(m) = take("fields") {
                for (name, desc) in m {
                    fields.push((name, parse_field(desc)));
                }
            }
            let mutation = match take("mutation") {
                Value::Object(m) => Some(m),
                _ => None,
            };
            let shadow = take("shadow") == Value::Bool(true);
            let top_level = take("topLevel") == Value::Bool(true);
            Ok(RawBlock::Block(BlockData {
                opcode,
                next,
                inputs,
                fields,
                shadow,
                top_level,
                mutation,
            }))
        }
        _ => Err("something that is not a block".into()),
    }
}

/// A block id: a non-empty string. Anything else (null, numbers) means "no block".
fn opt_id(v: Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s),
        _ => None,
    }
}

fn parse_ref(v: Value) -> Result<Option<Ref>, Malformed> {
    Ok(match v {
        Value::Array(items) => Some(Ref::Prim(parse_prim(items)?)),
        other => opt_id(other).map(Ref::Id),
    })
}

/// Decodes an input array. Scratch assumes "3" for anything that is not 1 or 2.
fn parse_input(v: Value) -> Result<Option<RawInput>, Malformed> {
    let Value::Array(items) = v else {
        // Scratch skips inputs that are not arrays.
        return Ok(None);
    };
    let kind = items.first().and_then(Value::as_f64).unwrap_or(3.0);
    let mut items = items.into_iter().skip(1);
    let first = match items.next() {
        Some(v) => parse_ref(v)?,
        None => None,
    };
    Ok(Some(if kind == 1.0 {
        RawInput {
            block: first.clone(),
            shadow: first,
        }
    } else if kind == 2.0 {
        RawInput {
            block: first,
            shadow: None,
        }
    } else {
        let shadow = match items.next() {
            Some(v) => parse_ref(v)?,
            None => None,
        };
        RawInput {
            block: first,
            shadow,
        }
    }))
}

fn parse_prim(items: Vec<Value>) -> Result<Prim, Malformed> {
    let code = items.first().and_then(Value::as_f64).unwrap_or(-1.0);
    if code.fract() != 0.0 || !(4.0..=13.0).contains(&code) {
        return Err(format!("an unknown kind of value {}", Value::Array(items)));
    }
    let mut rest = items.into_iter().skip(1);
    let text = rest.next().map(value_text_owned).unwrap_or_default();
    let id = rest.next().and_then(opt_id);
    Ok(match code as i64 {
        11 => Prim::Broadcast { name: text, id },
        12 => Prim::Var { name: text, id },
        13 => Prim::List { name: text, id },
        _ => Prim::Literal(text),
    })
}

fn parse_field(v: Value) -> RawField {
    match v {
        Value::Array(items) => {
            let mut items = items.into_iter();
            RawField {
                value: items.next().map(value_text_owned).unwrap_or_default(),
                id: items.next().and_then(opt_id),
            }
        }
        // Tolerate `{"name": …, "value": …, "id": …}`, the uncompressed form.
        Value::Object(mut o) => RawField {
            value: o
                .get_mut("value")
                .map(Value::take)
                .map(value_text_owned)
                .unwrap_or_default(),
            id: o.get_mut("id").map(Value::take).and_then(opt_id),
        },
        other => RawField {
            value: value_text_owned(other),
            id: None,
        },
    }
}

/// [`value_text`] without copying a string.
fn value_text_owned(v: Value) -> String {
    match v {
        Value::String(s) => s,
        other => value_text(&other),
    }
}
