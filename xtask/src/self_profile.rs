//! Where the compiler's time goes, part by part of a generated crate: reads a
//! `-Zself-profile` file (with `-Zself-profile-events=default,args`, so that
//! each query names the item it works on) and gives each module its share.
//!
//! Wall-clock totals say how much one tag costs; they cannot say whether the
//! cost is the tag's own code or the shared types it reaches, which is what
//! decides whether cutting reachability can make a tag cheaper (issue #25).

use anyhow::{Context, Result, bail};
use std::collections::BTreeMap;
use std::path::Path;

/// One timed event of the compiler: a query or an activity.
#[derive(Clone, Debug)]
pub struct Event {
    pub thread: u32,
    pub start: u64,
    pub end: u64,
    pub label: String,
    /// The query's key, where recorded: a definition path, a module or a type.
    pub arg: String,
}

/// The events of the one profile file in `dir` (written there by a compiler
/// run with `-Zself-profile=dir`).
pub fn read_dir(dir: &Path) -> Result<Vec<Event>> {
    let mut files = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "mm_profdata"))
        .collect::<Vec<_>>();
    let Some(file) = files.pop().filter(|_| files.is_empty()) else {
        bail!(
            "{}: expected the profile of one compiler run, found {}",
            dir.display(),
            files.len() + 1
        );
    };
    let data = analyzeme::ProfilingData::new(&file.with_extension("")).map_err(|e| {
        anyhow::anyhow!(
            "{}: not a profile this build can read ({e}); the compiler's profile format may have changed",
            file.display()
        )
    })?;
    let nanos = |t: std::time::SystemTime| {
        t.duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0)
    };
    Ok(data
        .iter_full()
        .filter_map(|e| match e.payload.timestamp()? {
            analyzeme::Timestamp::Interval { start, end } => Some(Event {
                thread: e.thread_id,
                start: nanos(start),
                end: nanos(end),
                label: e.label.to_string(),
                arg: e
                    .additional_data
                    .first()
                    .map(|a| a.to_string())
                    .unwrap_or_default(),
            }),
            _ => None,
        })
        .collect())
}

/// Self time (nanoseconds) by the item path under `krate` that each event
/// belongs to: its own key when that is an item of the crate, else the
/// innermost enclosing event's. Events of no item (parsing, expansion, name
/// resolution, metadata) go under the empty path. The profiler's own
/// bookkeeping (`self_profile_*`) is left out.
pub fn self_time_by_item(events: &[Event], krate: &str) -> BTreeMap<Vec<String>, u64> {
    let mut by_thread: BTreeMap<u32, Vec<&Event>> = BTreeMap::new();
    for e in events {
        by_thread.entry(e.thread).or_default().push(e);
    }
    let mut out: BTreeMap<Vec<String>, u64> = BTreeMap::new();
    for mut evs in by_thread.into_values() {
        // Parents before children: earlier start first, longer first on ties.
        evs.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
        let mut own: Vec<u64> = evs.iter().map(|e| e.end.saturating_sub(e.start)).collect();
        let mut owner: Vec<Option<Vec<String>>> = Vec::with_capacity(evs.len());
        let mut stack: Vec<usize> = Vec::new();
        for (i, e) in evs.iter().enumerate() {
            while stack.last().is_some_and(|&j| evs[j].end <= e.start) {
                stack.pop();
            }
            let parent = stack.last().copied();
            if let Some(p) = parent {
                own[p] = own[p].saturating_sub(e.end.saturating_sub(e.start));
            }
            owner.push(item_path(&e.arg, krate).or_else(|| parent.and_then(|p| owner[p].clone())));
            stack.push(i);
        }
        for ((e, t), o) in evs.iter().zip(own).zip(owner) {
            if !e.label.starts_with("self_profile") {
                *out.entry(o.unwrap_or_default()).or_default() += t;
            }
        }
    }
    out
}

/// The path under `krate` of a query key naming an item of it: `krate::a::b`
/// or the compiler's `DefId(0:5 ~ krate[1a2b]::a::b)`; `None` for keys that
/// name no item of the crate (types, obligations, other crates' items).
fn item_path(arg: &str, krate: &str) -> Option<Vec<String>> {
    let rest = if let Some(rest) = arg.strip_prefix(krate).and_then(|r| r.strip_prefix("::")) {
        rest
    } else {
        let at = arg.find(&format!("~ {krate}["))? + 2 + krate.len();
        let close = arg[at..].find(']')?;
        arg[at + close + 1..].strip_prefix("::")?
    };
    let rest = rest.trim_end_matches(')');
    Some(rest.split("::").map(str::to_owned).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(thread: u32, start: u64, end: u64, label: &str, arg: &str) -> Event {
        Event {
            thread,
            start,
            end,
            label: label.into(),
            arg: arg.into(),
        }
    }

    fn path(p: &str) -> Vec<String> {
        p.split("::")
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn keys_are_read_in_both_spellings_and_others_are_not_items() {
        assert_eq!(
            item_path("k::types::repos::{{impl}}[4]", "k"),
            Some(path("types::repos::{{impl}}[4]"))
        );
        assert_eq!(
            item_path("LocalModDefId(DefId(0:5 ~ k[46a8]::types::repos))", "k"),
            Some(path("types::repos"))
        );
        assert_eq!(
            item_path("CanonicalQueryInput { <A as types::repos::_> }", "k"),
            None
        );
        assert_eq!(item_path("kk::types::x", "k"), None);
        assert_eq!(item_path("", "k"), None);
    }

    #[test]
    fn self_time_goes_to_the_innermost_item_and_nested_time_is_not_counted_twice() {
        let events = [
            // An item's type check (0..100) with a keyless obligation inside
            // (10..30), which belongs to it, and another item's query (40..70).
            ev(0, 0, 100, "typeck", "k::types::repos::A"),
            ev(
                0,
                10,
                30,
                "evaluate_obligation",
                "CanonicalQueryInput { .. }",
            ),
            ev(0, 40, 70, "typeck", "k::types::shared::B"),
            // Crate-wide work, then the profiler's own, on another thread.
            ev(1, 0, 50, "expand_crate", ""),
            ev(1, 60, 90, "self_profile_alloc_query_strings", ""),
        ];
        let t = self_time_by_item(&events, "k");
        assert_eq!(t[&path("types::repos::A")], 70);
        assert_eq!(t[&path("types::shared::B")], 30);
        assert_eq!(t[&Vec::new()], 50);
        assert_eq!(t.values().sum::<u64>(), 150);
    }
}
