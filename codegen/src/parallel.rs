//! Emitting and formatting chunks of items on every core.
//!
//! Formatting dominates generation time on large documents, and the work splits
//! cleanly: types are independent items, and so are operations. Each chunk is
//! emitted and formatted on its own and the texts come back in order, so the
//! output does not depend on the number of threads.

use crate::client::{ClientEmitter, ClientSettings, ErrorEnums};
use crate::commands::Commands;
use crate::diagnostics::{Code, Diagnostic};
use crate::features::Features;
use crate::operations::OperationSet;
use crate::output::format_chunk;
use crate::types::{TypeEmitter, TypeSpace};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Definitions (or operations) per chunk: small enough to balance and to bound
/// what a thread holds at once (a chunk's tokens and syntax tree: with 150 types
/// and 40 operations a chunk, generation peaked 10-15 MiB higher on GitHub's
/// document and about 25 MiB on Stripe's, for the same instruction count), large
/// enough that joining costs nothing.
pub const TYPES_PER_CHUNK: usize = 50;
pub const OPS_PER_CHUNK: usize = 15;

/// A run of items to print.
#[derive(Debug, Clone)]
pub enum Chunk {
    /// Type definitions, by id.
    Types(Vec<usize>),
    /// Operations, by index.
    Ops(Vec<usize>),
    /// The program's commands of these operations (crate feature `cli`).
    Commands(Vec<usize>),
}

/// What the emitters need, shared by every thread.
pub struct Context<'a> {
    pub space: &'a TypeSpace,
    pub built: &'a OperationSet,
    pub settings: &'a ClientSettings<'a>,
    pub capture_unknown: bool,
    pub features: Option<&'a Features>,
    pub commands: Option<&'a Commands>,
    pub errors: &'a ErrorEnums,
}

/// The formatted text of each chunk, in order, and the CPU time spent building
/// tokens and formatting (summed over threads).
pub struct Formatted {
    pub texts: Vec<String>,
    pub emit: Duration,
    pub format: Duration,
}

struct Done {
    text: Result<String, Diagnostic>,
    emit: Duration,
    format: Duration,
}

/// The type emitter every chunk uses.
fn type_emitter<'a>(cx: &Context<'a>) -> TypeEmitter<'a> {
    let types = TypeEmitter::new(cx.space).capture_unknown(cx.capture_unknown);
    match cx.features {
        Some(f) => types.gated_by(f),
        None => types,
    }
}

/// The client emitter of the chunks of operations and of commands.
fn client_emitter<'b>(cx: &'b Context<'_>, types: &'b TypeEmitter<'b>) -> ClientEmitter<'b> {
    let mut client =
        ClientEmitter::new(cx.space, types, cx.built, cx.settings.clone()).sharing(cx.errors);
    if let Some(f) = cx.features {
        client = client.gated_by(f);
    }
    if let Some(c) = cx.commands {
        client = client.with_commands(c);
    }
    client
}

/// A chunk's items as tokens, unformatted (the single-file layout formats them
/// with the rest of its file).
pub fn tokens(chunk: &Chunk, cx: &Context<'_>) -> proc_macro2::TokenStream {
    let types = type_emitter(cx);
    match chunk {
        Chunk::Types(ids) => types.emit_ids(ids),
        Chunk::Ops(ops) => client_emitter(cx, &types).emit_ops(ops),
        Chunk::Commands(ops) => {
            crate::pieces::whole(client_emitter(cx, &types).emit_command_parts(ops))
        }
    }
}

fn run(chunk: &Chunk, cx: &Context<'_>) -> Done {
    let types = type_emitter(cx);
    let start = Instant::now();
    let (tokens, what) = match chunk {
        // Long items are built while printed, a piece at a time: their time counts
        // as formatting.
        Chunk::Types(ids) => {
            let parts = types.emit_parts(ids);
            let emit = start.elapsed();
            let start = Instant::now();
            let text = crate::pieces::format_parts(parts, "types module");
            return Done {
                text,
                emit,
                format: start.elapsed(),
            };
        }
        Chunk::Ops(ops) => (client_emitter(cx, &types).emit_ops(ops), "client module"),
        Chunk::Commands(ops) => {
            let client = client_emitter(cx, &types);
            let parts = client.emit_command_parts(ops);
            let emit = start.elapsed();
            let start = Instant::now();
            let text = crate::pieces::format_parts(parts, "command module");
            return Done {
                text,
                emit,
                format: start.elapsed(),
            };
        }
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

/// Splits `items` into chunks of at most `size`.
pub fn chunks(items: &[usize], size: usize) -> impl Iterator<Item = Vec<usize>> + '_ {
    items.chunks(size.max(1)).map(<[usize]>::to_vec)
}

/// Emits and formats every chunk.
pub fn format_all(chunks: &[Chunk], cx: &Context<'_>) -> Result<Formatted, Diagnostic> {
    let results: Vec<Mutex<Option<Done>>> = chunks.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(chunks.len())
        .max(1);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(chunk) = chunks.get(i) else { break };
                    let done = run(chunk, cx);
                    if let Ok(mut slot) = results[i].lock() {
                        *slot = Some(done);
                    }
                }
            });
        }
    });
    let mut texts = Vec::with_capacity(chunks.len());
    let (mut emit, mut format) = (Duration::ZERO, Duration::ZERO);
    for slot in results {
        let done = slot.into_inner().ok().flatten().ok_or_else(|| {
            Diagnostic::error("#", "internal error: a generation thread failed")
                .with_code(Code::Internal)
        })?;
        texts.push(done.text?);
        emit += done.emit;
        format += done.format;
    }
    Ok(Formatted {
        texts,
        emit,
        format,
    })
}
