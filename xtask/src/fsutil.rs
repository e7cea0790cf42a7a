//! Writing generated files the way rust-analyzer's xtask does: a file is written
//! only when its contents change, so an unchanged spec touches nothing and cargo
//! rebuilds nothing; in check mode nothing is written and every difference is listed.

use anyhow::{Context, Result};
use codegen::GeneratedFile;
use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Created(PathBuf),
    Updated(PathBuf),
    Removed(PathBuf),
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::Created(p) => write!(f, "missing  {}", p.display()),
            Change::Updated(p) => write!(f, "stale    {}", p.display()),
            Change::Removed(p) => write!(f, "extra    {} (no longer generated)", p.display()),
        }
    }
}

/// Makes `dir` hold exactly `files`. Returns what differed (and, unless `check`, was fixed).
pub fn sync_dir(dir: &Path, files: &[GeneratedFile], check: bool) -> Result<Vec<Change>> {
    let mut changes = Vec::new();
    let mut wanted = BTreeSet::new();
    for file in files {
        let path = dir.join(&file.path);
        wanted.insert(path.clone());
        let change = match std::fs::read(&path) {
            Ok(existing) if same_text(&existing, &file.contents) => continue,
            Ok(_) => Change::Updated(path.clone()),
            Err(_) => Change::Created(path.clone()),
        };
        if !check {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("cannot create {}", parent.display()))?;
            }
            std::fs::write(&path, &file.contents)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        changes.push(change);
    }
    for existing in walk(dir)? {
        if !wanted.contains(&existing) {
            if !check {
                std::fs::remove_file(&existing)
                    .with_context(|| format!("cannot remove {}", existing.display()))?;
            }
            changes.push(Change::Removed(existing));
        }
    }
    Ok(changes)
}

/// Whether a file on disk holds `wanted`, line endings aside: a checkout that
/// turns `\n` into `\r\n` (Git's `core.autocrlf` on Windows) is not stale.
fn same_text(existing: &[u8], wanted: &str) -> bool {
    if existing == wanted.as_bytes() {
        return true;
    }
    let mut on_disk = existing.iter().copied().filter(|&b| b != b'\r');
    let mut expected = wanted.bytes().filter(|&b| b != b'\r');
    loop {
        match (on_disk.next(), expected.next()) {
            (None, None) => return true,
            (a, b) if a != b => return false,
            _ => {}
        }
    }
}

/// Every file under `dir` (none if it does not exist), skipping build output.
fn walk(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = match std::fs::read_dir(&d) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e).with_context(|| format!("cannot list {}", d.display())),
        };
        for entry in entries {
            let entry = entry?;
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                if path.file_name().is_some_and(|n| n == "target") {
                    continue;
                }
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, contents: &str) -> GeneratedFile {
        GeneratedFile {
            path: path.into(),
            contents: contents.into(),
        }
    }

    #[test]
    fn writes_only_changes_and_removes_extras() {
        let dir = std::env::temp_dir().join(format!("xtask-sync-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let files = vec![file("a.rs", "a"), file("src/b.rs", "b")];
        assert_eq!(sync_dir(&dir, &files, false).unwrap().len(), 2);
        let mtime = std::fs::metadata(dir.join("a.rs"))
            .unwrap()
            .modified()
            .unwrap();
        // Unchanged input: nothing written, nothing reported.
        assert!(sync_dir(&dir, &files, false).unwrap().is_empty());
        assert_eq!(
            std::fs::metadata(dir.join("a.rs"))
                .unwrap()
                .modified()
                .unwrap(),
            mtime
        );
        // Check mode reports without writing.
        std::fs::write(dir.join("stray.rs"), "x").unwrap();
        let changed = vec![file("a.rs", "A"), file("src/b.rs", "b")];
        let report = sync_dir(&dir, &changed, true).unwrap();
        assert_eq!(
            report,
            vec![
                Change::Updated(dir.join("a.rs")),
                Change::Removed(dir.join("stray.rs"))
            ]
        );
        assert_eq!(std::fs::read_to_string(dir.join("a.rs")).unwrap(), "a");
        // Fix mode applies both.
        sync_dir(&dir, &changed, false).unwrap();
        assert!(!dir.join("stray.rs").exists());
        assert_eq!(std::fs::read_to_string(dir.join("a.rs")).unwrap(), "A");
        // A checkout with CRLF line endings is as fresh as one with LF.
        std::fs::write(dir.join("src/b.rs"), "line\r\nnext\r\n").unwrap();
        let crlf = vec![file("a.rs", "A"), file("src/b.rs", "line\nnext\n")];
        assert!(sync_dir(&dir, &crlf, true).unwrap().is_empty());
        let other = vec![file("a.rs", "A"), file("src/b.rs", "line\nother\n")];
        assert_eq!(sync_dir(&dir, &other, true).unwrap().len(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
