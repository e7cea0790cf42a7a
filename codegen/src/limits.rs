//! The bounds every input is held to, so that no document, however hostile,
//! exhausts memory, the stack or time.
//!
//! Each is far above what real documents need (the largest of `../shared/corpus`
//! is 4.2 MB, nests 24 levels, references 40 deep and expands no alias). A
//! legitimate document beyond one raises it with `CODEGEN_LIMITS`, e.g.
//! `CODEGEN_LIMITS=document-bytes=200000000,ref-depth=1000`.

/// The variable that raises (or lowers) the limits.
pub const VARIABLE: &str = "CODEGEN_LIMITS";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Size of the document text.
    pub document_bytes: usize,
    /// Values that YAML aliases (and merge keys, which are aliases) add when
    /// expanded: a 500-byte "billion laughs" expands to billions.
    pub alias_values: usize,
    /// Nesting of mappings and sequences in the text.
    pub depth: usize,
    /// `$ref`s followed one inside another while resolving a schema: a chain of
    /// references, or schemas that each `allOf`/hold the next.
    pub ref_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            document_bytes: 64 << 20,
            alias_values: 250_000,
            depth: 128,
            ref_depth: 256,
        }
    }
}

impl Limits {
    /// The defaults, with what `CODEGEN_LIMITS` sets (`name=value`, comma-separated;
    /// names as in [`Limits::describe`]). Unknown names and bad values are ignored.
    pub fn current() -> Self {
        let mut limits = Self::default();
        if let Ok(text) = std::env::var(VARIABLE) {
            limits.apply(&text);
        }
        limits
    }

    fn apply(&mut self, text: &str) {
        for part in text.split(',') {
            let Some((name, value)) = part.split_once('=') else {
                continue;
            };
            let Ok(value) = value.trim().replace('_', "").parse::<usize>() else {
                continue;
            };
            match name.trim() {
                "document-bytes" => self.document_bytes = value,
                "alias-values" => self.alias_values = value,
                "depth" => self.depth = value,
                "ref-depth" => self.ref_depth = value,
                _ => {}
            }
        }
    }

    /// How a diagnostic says to raise the limit `name` for a legitimate document.
    pub fn how_to_raise(name: &str, now: usize) -> String {
        format!(
            "if the document is legitimate, raise the limit: {VARIABLE}={name}={}",
            now.saturating_mul(4)
        )
    }
}

/// The stack the generator runs on. Every recursive walk is bounded by
/// [`Limits::depth`] or [`Limits::ref_depth`]; this is the room those bounds
/// need in a debug build, whatever thread the caller is on (a tokio worker has
/// 2 MiB, a test thread may have less).
pub const STACK_BYTES: usize = 256 << 20;

/// Runs `work` on a thread with [`STACK_BYTES`] of stack (reserved, touched
/// only as far as it is used).
pub fn with_stack<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .name("codegen".into())
            .stack_size(STACK_BYTES)
            .spawn_scoped(scope, work)
            // tidy: allow-panic (no thread means no memory left: nothing a document did)
            .expect("the system gives the generator a thread");
        match handle.join() {
            Ok(value) => value,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_raised_by_name() {
        let mut l = Limits::default();
        l.apply("ref-depth=1000, document-bytes=1_000, nonsense=3, depth=x");
        assert_eq!(l.ref_depth, 1000);
        assert_eq!(l.document_bytes, 1000);
        assert_eq!(l.depth, Limits::default().depth);
    }
}
