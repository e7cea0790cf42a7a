//! Building a generated crate that is a workspace of its own (a crate under
//! `target/`, written by a test or an xtask command) in a target directory it
//! shares with other builds, so that the dependencies built once are reused.
//!
//! Cargo reuses a built dependency only when its features *and* its profile are
//! the same. A crate written as a workspace of its own has no `[profile.dev]`,
//! so Cargo's default applies (full debug information for every package), and
//! each dependency the workspace already built without debug information
//! (`Cargo.toml`: `[profile.dev.package."*"] debug = false`) was built again —
//! `aws-lc-sys`'s C code, `tokio`, `hyper`, `reqwest` and the rest, once more
//! for every such crate in a fresh target directory. [`cargo`] gives each build
//! the workspace's profile for dependencies and no debug information for the
//! crate itself (whose build is not shared anyway).

use std::path::Path;
use std::process::Command;

/// The profile every scratch build gets, as Cargo `--config` arguments: no debug
/// information, as the workspace builds its dependencies (`[profile.dev.package."*"]`
/// in the root `Cargo.toml`; a unit test below checks they agree).
pub const PROFILE: [&str; 2] = ["--config", "profile.dev.debug=false"];

/// `cargo` run in `dir` (a workspace of its own), building into `target`, with
/// [`PROFILE`]; the subcommand and its arguments follow.
pub fn cargo(dir: &Path, target: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO"));
    cmd.current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .args(PROFILE);
    cmd
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_profile_is_the_one_the_workspace_builds_dependencies_with() {
        let root = crate::workspace_root();
        let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
        let section = manifest
            .split("[profile.dev.package.\"*\"]")
            .nth(1)
            .expect("the workspace sets its dependencies' profile");
        let section = section.split("\n[").next().unwrap_or_default();
        let settings: Vec<&str> = section
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        assert_eq!(settings, ["debug = false"], "update scratch::PROFILE");
        assert_eq!(super::PROFILE[1], "profile.dev.debug=false");
    }
}
