//! Emitting and formatting a crate's modules in chunks, on every core.
//!
//! Formatting dominates generation time on large documents, and the work splits
//! cleanly: types are independent items, and each operation is its own
//! `impl Client` block plus its builder and enums. Chunks are formatted separately
//! and joined in order, so the output does not depend on the number of threads.

use crate::client::{ClientEmitter, ClientSettings};
use crate::diagnostics::Diagnostic;
use crate::operations::Built;
use crate::output::format_chunk;
use crate::types::{TypeEmitter, TypeSpace};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Definitions (or operations) per chunk: small enough to balance, large enough
/// that joining costs nothing.
const TYPES_PER_CHUNK: usize = 150;
const OPS_PER_CHUNK: usize = 40;

#[derive(Debug, Clone)]
enum Job {
    TypesHeader,
    Types(std::ops::Range<usize>),
    ClientHeader,
    Ops(std::ops::Range<usize>),
}

pub struct Emitted {
    /// `types.rs` without the file header.
    pub types: String,
    /// `client.rs` without the file header, when there are operations.
    pub client: Option<String>,
    /// CPU time spent building tokens and formatting, summed over threads.
    pub emit: Duration,
    pub format: Duration,
}

struct Done {
    text: Result<String, Diagnostic>,
    emit: Duration,
    format: Duration,
}

fn chunks(len: usize, size: usize) -> impl Iterator<Item = std::ops::Range<usize>> {
    (0..len.div_ceil(size)).map(move |i| i * size..((i + 1) * size).min(len))
}

fn run(
    job: &Job,
    space: &TypeSpace,
    built: &Built,
    settings: &ClientSettings<'_>,
    capture: bool,
) -> Done {
    let types = TypeEmitter::new(space).capture_unknown(capture);
    let client = ClientEmitter::new(space, &types, built, settings.clone());
    let start = Instant::now();
    let (tokens, what) = match job {
        Job::TypesHeader => (TypeEmitter::header(), "types module"),
        Job::Types(r) => (types.emit_range(r.clone()), "types module"),
        Job::ClientHeader => (client.emit_header(), "client module"),
        Job::Ops(r) => (client.emit_ops(r.clone()), "client module"),
    };
    let emit = start.elapsed();
    let start = Instant::now();
    let text = format_chunk(tokens, what);
    Done {
        text,
        emit,
        format: start.elapsed(),
    }
}

/// Emits and formats the types and client modules.
pub fn emit(
    space: &TypeSpace,
    built: &Built,
    settings: &ClientSettings<'_>,
    capture: bool,
) -> Result<Emitted, Diagnostic> {
    let mut jobs = vec![Job::TypesHeader];
    jobs.extend(chunks(space.defs.len(), TYPES_PER_CHUNK).map(Job::Types));
    let has_client = !built.operations.is_empty();
    if has_client {
        jobs.push(Job::ClientHeader);
        jobs.extend(chunks(built.operations.len(), OPS_PER_CHUNK).map(Job::Ops));
    }
    let results: Vec<Mutex<Option<Done>>> = jobs.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(jobs.len())
        .max(1);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(job) = jobs.get(i) else { break };
                let done = run(job, space, built, settings, capture);
                if let Ok(mut slot) = results[i].lock() {
                    *slot = Some(done);
                }
            });
        }
    });
    let mut types = String::new();
    let mut client = String::new();
    let (mut emit, mut format) = (Duration::ZERO, Duration::ZERO);
    for (job, slot) in jobs.iter().zip(results) {
        let done = slot.into_inner().ok().flatten().ok_or_else(|| {
            Diagnostic::error("#", "internal error: a generation thread failed")
                .with_code("internal")
        })?;
        let text = done.text?;
        let target = if matches!(job, Job::ClientHeader | Job::Ops(_)) {
            &mut client
        } else {
            &mut types
        };
        if !target.is_empty() {
            target.push('\n');
        }
        target.push_str(&text);
        emit += done.emit;
        format += done.format;
    }
    Ok(Emitted {
        types,
        client: has_client.then_some(client),
        emit,
        format,
    })
}
