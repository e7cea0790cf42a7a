//! What a change to a generated crate does to its users, read from rustdoc JSON
//! of two versions: every public item added, removed or changed, and the release
//! (in Cargo's reading of semver) that needs. `cargo xtask api-diff` runs rustdoc
//! and cargo-semver-checks and hands their output here; this module only reads
//! and judges, so it is tested without either tool.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// What a change asks of the next version, in Cargo's reading of semver (for
/// `0.y.z`, `y` is the breaking part and `z` the compatible one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Release {
    /// No public item changed.
    None,
    /// Items added or changed compatibly: a compatible release (`0.1.0 → 0.1.1`,
    /// `1.2.0 → 1.3.0`).
    Compatible,
    /// Something users rely on changed or went: a breaking release (`0.1.0 →
    /// 0.2.0`, `1.2.0 → 2.0.0`).
    Breaking,
}

impl fmt::Display for Release {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Release::None => "no release",
            Release::Compatible => "a compatible release",
            Release::Breaking => "a breaking release",
        })
    }
}

/// The comparison of two documented versions of a crate.
#[derive(Debug)]
pub struct Report {
    pub base_version: String,
    pub version: String,
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<String>,
    /// cargo-semver-checks' failed lints: `lint: item`, for each item.
    pub breaking: Vec<String>,
    /// cargo-semver-checks' lints that need a compatible release.
    pub compatible_lints: Vec<String>,
    /// What the change needs.
    pub needed: Release,
    /// What the version change gives.
    pub carried: Release,
}

impl Report {
    pub fn version_is_enough(&self) -> bool {
        self.carried >= self.needed
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |f: &mut fmt::Formatter<'_>, title: &str, mark: &str, items: &[String]| {
            if items.is_empty() {
                return Ok(());
            }
            writeln!(f, "{title} ({}):", items.len())?;
            for item in items {
                writeln!(f, "  {mark} {item}")?;
            }
            Ok(())
        };
        list(f, "Breaking, by cargo-semver-checks", "!", &self.breaking)?;
        list(
            f,
            "Needing a compatible release, by cargo-semver-checks",
            "*",
            &self.compatible_lints,
        )?;
        list(f, "Removed", "-", &self.removed)?;
        list(f, "Changed", "~", &self.changed)?;
        list(f, "Added", "+", &self.added)?;
        writeln!(
            f,
            "The change needs {}; {} → {} is {}: {}.",
            self.needed,
            self.base_version,
            self.version,
            self.carried,
            if self.version_is_enough() {
                "enough"
            } else {
                "NOT enough"
            }
        )
    }
}

/// What going from `base` to `current` is, read the way Cargo reads versions.
pub fn release_between(base: &str, current: &str) -> Result<Release, String> {
    let parse = |v: &str| -> Result<(u64, u64, u64), String> {
        let core = v.split(['-', '+']).next().unwrap_or_default();
        let parts: Vec<u64> = core
            .split('.')
            .map(|p| p.parse().map_err(|e| format!("version `{v}`: {e}")))
            .collect::<Result<_, String>>()?;
        match parts[..] {
            [a, b, c] => Ok((a, b, c)),
            _ => Err(format!("version `{v}` is not MAJOR.MINOR.PATCH")),
        }
    };
    let (old, new) = (parse(base)?, parse(current)?);
    if new <= old {
        return Ok(Release::None);
    }
    // The first non-zero part is the breaking one.
    let breaking = match old {
        (0, 0, _) => new.0 > 0 || new.1 > 0 || new.2 > old.2,
        (0, minor, _) => new.0 > 0 || new.1 > minor,
        (major, _, _) => new.0 > major,
    };
    Ok(if breaking {
        Release::Breaking
    } else {
        Release::Compatible
    })
}

/// The public items of two rustdoc JSON documents of one crate, compared: what
/// was added, removed or changed. The release is judged by [`Report::judge`],
/// once cargo-semver-checks has read the pair.
pub fn compare_items(old: &Value, new: &Value) -> Report {
    let (old_items, new_items) = (public_items(old), public_items(new));
    let mut report = Report {
        base_version: old["crate_version"].as_str().unwrap_or("0.0.0").to_string(),
        version: new["crate_version"].as_str().unwrap_or("0.0.0").to_string(),
        added: Vec::new(),
        removed: Vec::new(),
        changed: Vec::new(),
        breaking: Vec::new(),
        compatible_lints: Vec::new(),
        needed: Release::None,
        carried: Release::None,
    };
    for (item, signature) in &new_items {
        match old_items.get(item) {
            None => report.added.push(item.clone()),
            Some(before) if before != signature => report.changed.push(item.clone()),
            Some(_) => {}
        }
    }
    report.removed = old_items
        .keys()
        .filter(|k| !new_items.contains_key(*k))
        .cloned()
        .collect();
    report
}

impl Report {
    /// Takes cargo-semver-checks' findings (its report's text, and the level of
    /// each lint from its `--list`), and judges what release the change needs and
    /// what the version change carries.
    pub fn judge(
        &mut self,
        findings: &str,
        levels: &BTreeMap<String, String>,
    ) -> Result<(), String> {
        let (breaking, compatible) = semver_findings(findings, levels);
        self.breaking = breaking;
        self.compatible_lints = compatible;
        self.needed = if !self.breaking.is_empty() || !self.removed.is_empty() {
            Release::Breaking
        } else if !self.compatible_lints.is_empty()
            || !self.added.is_empty()
            || !self.changed.is_empty()
        {
            Release::Compatible
        } else {
            Release::None
        };
        self.carried = release_between(&self.base_version, &self.version)?;
        Ok(())
    }
}

/// The level (`major` or `minor`) of each lint in the text of
/// `cargo semver-checks --list`.
pub fn lint_levels(list: &str) -> BTreeMap<String, String> {
    list.lines()
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            let (id, level) = (words.next()?, words.next()?);
            matches!(level, "major" | "minor").then(|| (id.to_string(), level.to_string()))
        })
        .collect()
}

/// The failed lints in a cargo-semver-checks report, split into those that need
/// a breaking release and those that need a compatible one, as `lint: item`
/// lines.
pub fn semver_findings(
    text: &str,
    levels: &BTreeMap<String, String>,
) -> (Vec<String>, Vec<String>) {
    // Each failure: `--- failure LINT: title ---`, then `Failed in:` and its items.
    let (mut breaking, mut compatible) = (Vec::new(), Vec::new());
    let mut lint: Option<String> = None;
    let mut in_items = false;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("--- failure ") {
            lint = Some(rest.split(':').next().unwrap_or(rest).trim().to_string());
            in_items = false;
        } else if line.trim() == "Failed in:" {
            in_items = true;
        } else if line.trim().is_empty() {
            in_items = false;
        } else if in_items && let Some(lint) = &lint {
            let finding = format!("{lint}: {}", line.trim());
            // A lint the list does not know is taken as breaking.
            match levels.get(lint).map(String::as_str) {
                Some("minor") => compatible.push(finding),
                _ => breaking.push(finding),
            }
        }
    }
    (breaking, compatible)
}

/// Every public item as `kind path`, with what users depend on as its signature.
pub fn public_items(doc: &Value) -> BTreeMap<String, String> {
    let mut walk = Walk {
        index: &doc["index"],
        paths: &doc["paths"],
        out: BTreeMap::new(),
        seen: BTreeSet::new(),
    };
    if let Some(root) = doc["root"].as_u64() {
        let name = walk
            .item(root)
            .and_then(|i| i["name"].as_str())
            .unwrap_or("crate");
        walk.module(root, name.to_string(), 0);
    }
    walk.out
}

struct Walk<'a> {
    index: &'a Value,
    paths: &'a Value,
    out: BTreeMap<String, String>,
    seen: BTreeSet<(u64, String)>,
}

/// Re-exports and modules nest no deeper than this in a generated crate.
const MAX_DEPTH: usize = 16;

impl<'a> Walk<'a> {
    fn item(&self, id: u64) -> Option<&'a Value> {
        self.index.get(id.to_string())
    }

    fn ids(value: &Value) -> Vec<u64> {
        value
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_u64).collect())
            .unwrap_or_default()
    }

    fn module(&mut self, id: u64, path: String, depth: usize) {
        let Some(item) = self.item(id) else { return };
        for child in Self::ids(&item["inner"]["module"]["items"]) {
            self.visit(child, &path, None, depth + 1);
        }
    }

    /// Records the item `id` under `prefix` (by `name`, or its own name).
    fn visit(&mut self, id: u64, prefix: &str, name: Option<&str>, depth: usize) {
        let Some(item) = self.item(id) else { return };
        if depth > MAX_DEPTH || item["visibility"] != "public" {
            return;
        }
        if !self.seen.insert((id, prefix.to_string())) {
            return;
        }
        let inner = &item["inner"];
        let own = item["name"].as_str().unwrap_or("_");
        let path = format!("{prefix}::{}", name.unwrap_or(own));
        let attrs = self.render(&item["attrs"]);
        let Some((kind, body)) = inner.as_object().and_then(|o| o.iter().next()) else {
            return;
        };
        match kind.as_str() {
            "module" => {
                self.out.insert(format!("mod {path}"), String::new());
                self.module(id, path, depth);
            }
            "use" => {
                let Some(target) = body["id"].as_u64() else {
                    return;
                };
                if body["is_glob"] == true {
                    if let Some(t) = self.item(target) {
                        for child in Self::ids(&t["inner"]["module"]["items"]) {
                            self.visit(child, prefix, None, depth + 1);
                        }
                    }
                } else {
                    self.visit(target, prefix, body["name"].as_str(), depth + 1);
                }
            }
            "struct" => {
                let shape = match &body["kind"] {
                    Value::String(s) => s.clone(),
                    Value::Object(o) => o.keys().next().cloned().unwrap_or_default(),
                    _ => String::new(),
                };
                let sig = format!("{shape} {} {attrs}", self.render(&body["generics"]));
                self.out.insert(format!("struct {path}"), sig);
                let fields = match &body["kind"] {
                    Value::Object(o) => match (o.get("plain"), o.get("tuple")) {
                        (Some(plain), _) => Self::ids(&plain["fields"]),
                        (_, Some(tuple)) => Self::ids(tuple),
                        _ => Vec::new(),
                    },
                    _ => Vec::new(),
                };
                for field in fields {
                    if let Some(f) = self.item(field)
                        && f["visibility"] == "public"
                    {
                        let ty = self.render(&f["inner"]["struct_field"]);
                        let fname = f["name"].as_str().unwrap_or("_");
                        self.out.insert(format!("field {path}::{fname}"), ty);
                    }
                }
                self.impls(&body["impls"], &path);
            }
            "enum" => {
                let sig = format!("{} {attrs}", self.render(&body["generics"]));
                self.out.insert(format!("enum {path}"), sig);
                for variant in Self::ids(&body["variants"]) {
                    if let Some(v) = self.item(variant) {
                        let vname = v["name"].as_str().unwrap_or("_");
                        let shape = self.render(&v["inner"]["variant"]["kind"]);
                        self.out.insert(format!("variant {path}::{vname}"), shape);
                    }
                }
                self.impls(&body["impls"], &path);
            }
            "function" => {
                let sig = self.render(body);
                self.out.insert(format!("fn {path}"), sig);
            }
            other => {
                let sig = format!("{} {attrs}", self.render(body));
                self.out.insert(format!("{other} {path}"), sig);
            }
        }
    }

    /// Inherent methods and trait implementations written for a type (not the
    /// automatic or blanket ones, which follow from its fields).
    fn impls(&mut self, impls: &Value, path: &str) {
        for id in Self::ids(impls) {
            let Some(imp) = self.item(id) else { continue };
            let body = &imp["inner"]["impl"];
            if body["is_synthetic"] == true || !body["blanket_impl"].is_null() {
                continue;
            }
            match body["trait"]["path"].as_str() {
                Some(tr) => {
                    self.out
                        .insert(format!("impl {tr} for {path}"), String::new());
                }
                None => {
                    for m in Self::ids(&body["items"]) {
                        let Some(method) = self.item(m) else { continue };
                        if method["visibility"] != "public" {
                            continue;
                        }
                        let name = method["name"].as_str().unwrap_or("_");
                        let sig = self.render(&method["inner"]);
                        self.out.insert(format!("fn {path}::{name}"), sig);
                    }
                }
            }
        }
    }

    /// A compact text of a rustdoc JSON value in which item ids, which differ
    /// between builds, are replaced by what they name.
    fn render(&self, value: &Value) -> String {
        let mut out = String::new();
        self.render_into(value, &mut out, 0);
        out
    }

    fn render_into(&self, value: &Value, out: &mut String, depth: usize) {
        if depth > 64 {
            return;
        }
        match value {
            Value::Object(map) => {
                out.push('{');
                for (k, v) in map {
                    out.push_str(k);
                    out.push(':');
                    match (k.as_str(), v.as_u64()) {
                        ("id", Some(id)) => out.push_str(&self.name_of(id, depth)),
                        _ => self.render_into(v, out, depth + 1),
                    }
                    out.push(',');
                }
                out.push('}');
            }
            Value::Array(items) => {
                out.push('[');
                for v in items {
                    match v.as_u64().filter(|id| self.item(*id).is_some()) {
                        // Lists of ids: fields of a tuple variant, and the like.
                        Some(id) => out.push_str(&self.name_of(id, depth)),
                        None => self.render_into(v, out, depth + 1),
                    }
                    out.push(',');
                }
                out.push(']');
            }
            Value::String(text) => out.push_str(&without_spans(text)),
            other => out.push_str(&other.to_string()),
        }
    }

    fn name_of(&self, id: u64, depth: usize) -> String {
        if let Some(path) = self.paths.get(id.to_string()) {
            let parts: Vec<&str> = path["path"]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            return parts.join("::");
        }
        match self.item(id) {
            // A field of a tuple variant: its type.
            Some(item) if item["inner"]["struct_field"].is_object() => {
                let mut out = String::new();
                self.render_into(&item["inner"]["struct_field"], &mut out, depth + 1);
                out
            }
            Some(item) => item["name"].as_str().unwrap_or("_").to_string(),
            None => format!("#{id}"),
        }
    }
}

/// An attribute's text without the source positions rustdoc writes into some
/// (`src/types.rs:10:11: 10:34 (#0)`, after `span: ` or bare), which move with
/// every edit above and name the directory the crate was built in.
fn without_spans(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(" (#") {
        let Some(close) = rest[at..].find(')').map(|c| at + c + 1) else {
            break;
        };
        let before = &rest[..at];
        // The position is two words without spaces: `FILE:LINE:COL:` and `LINE:COL`.
        let second = before.rfind(' ').unwrap_or(0);
        let first = before[..second].rfind([' ', '(', '[']).map_or(0, |i| i + 1);
        let position = &before[first..];
        let is_position = position.contains(':')
            && position.ends_with(|c: char| c.is_ascii_digit())
            && rest[at + 3..close - 1].chars().all(|c| c.is_ascii_digit());
        if is_position {
            out.push_str(&before[..first]);
        } else {
            out.push_str(&rest[..close]);
        }
        rest = &rest[close..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A rustdoc JSON document of a crate whose root module holds the given
    /// public functions (name, signature).
    fn crate_doc(version: &str, functions: &[(&str, &str)]) -> Value {
        let mut index = serde_json::Map::new();
        let ids: Vec<u64> = (1..=functions.len() as u64).collect();
        index.insert(
            "0".into(),
            serde_json::json!({"name": "c", "visibility": "public", "inner": {"module": {"items": ids}}}),
        );
        for (id, (name, sig)) in ids.iter().zip(functions) {
            index.insert(
                id.to_string(),
                serde_json::json!({"name": name, "visibility": "public", "inner": {"function": {"sig": sig}}}),
            );
        }
        serde_json::json!({"root": 0, "index": index, "paths": {}, "crate_version": version})
    }

    #[test]
    fn items_are_compared_and_the_release_judged() {
        let old = crate_doc("0.1.0", &[("a", "x"), ("b", "y")]);
        let new = crate_doc("0.1.1", &[("a", "x"), ("b", "z"), ("c", "w")]);
        let mut report = compare_items(&old, &new);
        assert_eq!(report.added, ["fn c::c"]);
        assert_eq!(report.changed, ["fn c::b"]);
        assert!(report.removed.is_empty());
        report.judge("", &BTreeMap::new()).unwrap();
        assert_eq!(
            (report.needed, report.carried),
            (Release::Compatible, Release::Compatible)
        );
        assert!(report.version_is_enough(), "{report}");

        let gone = crate_doc("0.1.1", &[("a", "x")]);
        let mut report = compare_items(&old, &gone);
        assert_eq!(report.removed, ["fn c::b"]);
        report.judge("", &BTreeMap::new()).unwrap();
        assert_eq!(report.needed, Release::Breaking);
        assert!(!report.version_is_enough());
        assert!(report.to_string().contains("NOT enough"), "{report}");
    }

    #[test]
    fn lint_levels_are_read_from_the_tools_list() {
        let list = "id                     type  description\nenum_missing           major an enum was removed\nenum_marked_non_exhaustive minor marked\n";
        let levels = lint_levels(list);
        assert_eq!(levels.len(), 2, "{levels:?}");
        assert_eq!(levels["enum_missing"], "major");
        assert_eq!(levels["enum_marked_non_exhaustive"], "minor");
    }

    #[test]
    fn releases_are_read_the_way_cargo_reads_versions() {
        for (old, new, release) in [
            ("0.1.0", "0.1.0", Release::None),
            ("0.1.0", "0.1.1", Release::Compatible),
            ("0.1.0", "0.2.0", Release::Breaking),
            ("0.1.5", "1.0.0", Release::Breaking),
            ("0.0.3", "0.0.4", Release::Breaking),
            ("1.2.3", "1.2.4", Release::Compatible),
            ("1.2.3", "1.3.0", Release::Compatible),
            ("1.2.3", "2.0.0", Release::Breaking),
            ("1.2.3", "1.2.2", Release::None),
        ] {
            assert_eq!(release_between(old, new).unwrap(), release, "{old} → {new}");
        }
        assert!(release_between("1.x", "2.0.0").is_err());
    }

    #[test]
    fn source_positions_are_not_part_of_a_signature() {
        let a = r#"#[attr = CfgTrace([NameValue { name: "feature", value: Some("ports"), span: src/a.rs:3:11: 3:34 (#0) }])]"#;
        let b = r#"#[attr = CfgTrace([NameValue { name: "feature", value: Some("ports"), span: generated/src/a.rs:30:11: 30:34 (#0) }])]"#;
        assert_eq!(without_spans(a), without_spans(b));
        assert!(without_spans(a).contains(r#"Some("ports")"#));
        assert_ne!(
            without_spans(a),
            without_spans(&a.replace("ports", "metros"))
        );
    }

    #[test]
    fn findings_are_read_from_the_tools_report() {
        let text = "\
--- failure enum_marked_non_exhaustive: enum marked #[non_exhaustive] ---

Description:
A public enum has been marked #[non_exhaustive].

Failed in:
  enum ListPortsError in generated/src/client/ports.rs:176
  enum SortOrder in generated/src/types/data_center_facilities.rs:111

--- failure inherent_method_missing: pub method removed or renamed ---

Failed in:
  Client::get_metro, previously in file generated/src/client/metros.rs:10
";
        let levels: BTreeMap<String, String> = [
            ("enum_marked_non_exhaustive", "minor"),
            ("inherent_method_missing", "major"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let (breaking, compatible) = semver_findings(text, &levels);
        assert_eq!(breaking.len(), 1, "{breaking:?}");
        assert!(breaking[0].starts_with("inherent_method_missing: Client::get_metro"));
        assert_eq!(compatible.len(), 2, "{compatible:?}");
        assert_eq!(semver_findings("", &levels), (vec![], vec![]));
    }
}
