//! Items too long to hold whole: printed a piece at a time.
//!
//! An enum of 200,000 values is one `enum` item and two `match`es of 200,000
//! arms. Built as one token stream, parsed by syn and printed by prettyplease,
//! such an item holds every token, every syn node and the text at once (about
//! 6 KB per value). A [`Pieced`] item is instead a template with lists in it
//! (variants, match arms); each list is printed a few hundred elements at a
//! time, inside the same template so that each element is printed where it
//! will stand (same indentation, same line width), between two marker elements
//! that say where the piece starts and ends. The texts of the pieces are then
//! put in place of the markers of the item printed with empty lists. Memory is
//! one piece's tokens and syntax tree plus the text; the output is the text
//! printing the whole item gives (a test holds the two equal).
//!
//! This relies on prettyplease printing each element of these lists on lines
//! of its own whatever its neighbours: enum variants, struct fields, match arms
//! and statements end with a hard line break, and a tuple, an array, a struct
//! expression or a parameter list too long for a line has one element per line.
//! So that the last holds for every piece and for the item with empty lists,
//! pieces are of even length (at least half of [`PIECE_LEN`]) and markers are
//! longer than half a line.

use crate::diagnostics::Code;
use crate::diagnostics::Diagnostic;
use crate::output::format_chunk;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::ops::Range;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Elements of a list printed together; lists this long or shorter are printed whole.
pub const PIECE_LEN: usize = 500;

/// What the elements of a list are, which decides how its markers are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    /// Elements followed by commas: enum variants, tuple and array elements.
    Commas,
    /// `name: value` or `name: Type` with commas: struct fields, fields of a
    /// struct expression, function parameters.
    Fields,
    /// Arms of a `match` (`pattern => value,`).
    Arms,
    /// Statements of a block.
    Stmts,
}

type Template<'a> = Box<dyn Fn(&[TokenStream]) -> TokenStream + Sync + 'a>;
type Elements<'a> = Box<dyn Fn(Range<usize>) -> TokenStream + Sync + 'a>;

/// One list in a [`Pieced`] item: its elements' tokens, built a range at a time.
pub struct List<'a> {
    kind: ListKind,
    len: usize,
    elements: Elements<'a>,
}

impl<'a> List<'a> {
    pub fn new(
        kind: ListKind,
        len: usize,
        elements: impl Fn(Range<usize>) -> TokenStream + Sync + 'a,
    ) -> Self {
        Self {
            kind,
            len,
            elements: Box::new(elements),
        }
    }
}

/// An item (or a few items) made of a template and the lists placed in it.
pub struct Pieced<'a> {
    template: Template<'a>,
    lists: Vec<List<'a>>,
}

/// Emitted items: tokens, or an item printed in pieces when long.
pub enum Part<'a> {
    Tokens(TokenStream),
    Pieced(Pieced<'a>),
}

impl<'a> Pieced<'a> {
    /// `template` receives the tokens of each list, in the order of `lists`.
    pub fn new(
        lists: Vec<List<'a>>,
        template: impl Fn(&[TokenStream]) -> TokenStream + Sync + 'a,
    ) -> Self {
        Self {
            template: Box::new(template),
            lists,
        }
    }

    /// The whole item's tokens.
    pub fn whole(&self) -> TokenStream {
        let slots: Vec<TokenStream> = self.lists.iter().map(|l| (l.elements)(0..l.len)).collect();
        (self.template)(&slots)
    }

    /// Whether a list is long enough to print in pieces.
    pub fn is_long(&self, piece_len: usize) -> bool {
        self.lists.iter().any(|l| l.len > piece_len)
    }

    /// The item's text, as [`format_chunk`] prints its [`Self::whole`] tokens, built
    /// `piece_len` elements at a time, the pieces shared among the cores.
    pub fn format(&self, piece_len: usize, what: &str) -> Result<String, Diagnostic> {
        let piece_len = piece_len.max(1);
        let skeleton = format_chunk((self.template)(&self.empty_slots()), what)?;
        let mut jobs = Vec::new();
        for (k, list) in self.lists.iter().enumerate() {
            let count = list.len.div_ceil(piece_len);
            for i in 0..count {
                jobs.push((k, i * list.len / count..(i + 1) * list.len / count));
            }
        }
        let done: Vec<Mutex<Option<Result<String, Diagnostic>>>> =
            jobs.iter().map(|_| Mutex::new(None)).collect();
        let next = AtomicUsize::new(0);
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(jobs.len())
            .max(1);
        std::thread::scope(|scope| {
            for _ in 0..threads {
                scope.spawn(|| {
                    // Tokens are not shared between threads: each has its markers.
                    let empty = self.empty_slots();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some((k, range)) = jobs.get(i) else { break };
                        let text = self.piece(&empty, *k, range.clone(), what);
                        if let Ok(mut slot) = done[i].lock() {
                            *slot = Some(text);
                        }
                    }
                });
            }
        });
        let mut bodies = vec![String::new(); self.lists.len()];
        for ((k, _), slot) in jobs.iter().zip(done) {
            let text = slot
                .into_inner()
                .ok()
                .flatten()
                .ok_or_else(|| internal(what))??;
            bodies[*k].push_str(&text);
        }
        let mut out =
            String::with_capacity(skeleton.len() + bodies.iter().map(String::len).sum::<usize>());
        let mut skip_until: Option<String> = None;
        for line in skeleton.split_inclusive('\n') {
            if let Some(end) = &skip_until {
                if starts_with_ident(line, end) {
                    skip_until = None;
                }
                continue;
            }
            match (0..self.lists.len()).find(|&k| starts_with_ident(line, &start_name(k))) {
                Some(k) => {
                    out.push_str(&std::mem::take(&mut bodies[k]));
                    skip_until = Some(end_name(k));
                }
                None => out.push_str(line),
            }
        }
        if skip_until.is_some() {
            return Err(internal(what));
        }
        Ok(out)
    }

    /// Each list as its two markers only.
    fn empty_slots(&self) -> Vec<TokenStream> {
        (0..self.lists.len())
            .map(|k| {
                let (s, e) = self.markers(k);
                quote!(#s #e)
            })
            .collect()
    }

    fn markers(&self, k: usize) -> (TokenStream, TokenStream) {
        let kind = self.lists[k].kind;
        (marker(kind, &start_name(k)), marker(kind, &end_name(k)))
    }

    /// The lines of the elements `range` of list `k`, printed in their item.
    fn piece(
        &self,
        empty: &[TokenStream],
        k: usize,
        range: Range<usize>,
        what: &str,
    ) -> Result<String, Diagnostic> {
        let mut slots = empty.to_vec();
        let (mut slot, e) = self.markers(k);
        // Moved in, not copied as `quote!` would copy them.
        slot.extend((self.lists[k].elements)(range));
        slot.extend(e);
        slots[k] = slot;
        let text = format_chunk((self.template)(&slots), what)?;
        let (from, to) = marker_lines(&text, k, what)?;
        Ok(text.get(from..to).unwrap_or_default().to_string())
    }
}

/// Marker names: longer than half a line, so that two never share one.
fn start_name(k: usize) -> String {
    format!("__PIECE_{k}_STARTS_HERE_{}", "_".repeat(50))
}

fn end_name(k: usize) -> String {
    format!("__PIECE_{k}_ENDS_HERE_{}", "_".repeat(50))
}

fn marker(kind: ListKind, name: &str) -> TokenStream {
    let name = format_ident!("{}", name);
    match kind {
        ListKind::Commas => quote!(#name,),
        ListKind::Fields => quote!(#name: (),),
        ListKind::Arms => quote!(#name => {}),
        ListKind::Stmts => quote!(#name;),
    }
}

/// Whether `line`, indentation aside, starts with the identifier `name`.
fn starts_with_ident(line: &str, name: &str) -> bool {
    line.trim_start().strip_prefix(name).is_some_and(|rest| {
        !rest
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

/// The byte range of the lines between list `k`'s start and end marker lines.
fn marker_lines(text: &str, k: usize, what: &str) -> Result<(usize, usize), Diagnostic> {
    let from = marker_line(text, 0, &start_name(k)).map(|(_, end)| end);
    let to = from.and_then(|from| marker_line(text, from, &end_name(k)).map(|(start, _)| start));
    match (from, to) {
        (Some(from), Some(to)) => Ok((from, to)),
        _ => Err(internal(what)),
    }
}

/// The first line at or after byte `from` that starts (indentation aside) with
/// the identifier `name`: where it starts and where the next line starts. The
/// name is looked for in the text, not line by line: a piece's text is long.
fn marker_line(text: &str, from: usize, name: &str) -> Option<(usize, usize)> {
    let mut at = from;
    loop {
        let found = at + text.get(at..)?.find(name)?;
        let line_start = text[..found].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[found..]
            .find('\n')
            .map_or(text.len(), |i| found + i + 1);
        let line = &text[line_start..line_end];
        if line_start >= from && starts_with_ident(line, name) {
            return Some((line_start, line_end));
        }
        at = found + name.len();
    }
}

fn internal(what: &str) -> Diagnostic {
    Diagnostic::error(
        "#",
        format!("internal error: a piece of the generated {what} was printed without its markers"),
    )
    .with_code(Code::Internal)
    .with_help("this is a bug in the generator; please report it with the document")
}

/// Formats parts as [`format_chunk`] formats the items of their tokens together.
pub fn format_parts(parts: Vec<Part<'_>>, what: &str) -> Result<String, Diagnostic> {
    let mut out = String::new();
    let mut pending = TokenStream::new();
    let push = |out: &mut String, text: String| {
        if text.is_empty() {
            return;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&text);
    };
    for part in parts {
        match part {
            Part::Tokens(t) => pending.extend(t),
            Part::Pieced(p) if p.is_long(PIECE_LEN) => {
                if !pending.is_empty() {
                    push(&mut out, format_chunk(std::mem::take(&mut pending), what)?);
                }
                push(&mut out, p.format(PIECE_LEN, what)?);
            }
            Part::Pieced(p) => pending.extend(p.whole()),
        }
    }
    if !pending.is_empty() {
        push(&mut out, format_chunk(pending, what)?);
    }
    Ok(out)
}

/// The tokens of every part, whole.
pub fn whole(parts: Vec<Part<'_>>) -> TokenStream {
    parts
        .into_iter()
        .map(|p| match p {
            Part::Tokens(t) => t,
            Part::Pieced(p) => p.whole(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(n: usize) -> Pieced<'static> {
        let variants = List::new(ListKind::Commas, n, |r: Range<usize>| {
            r.map(|i| {
                let v = format_ident!("Value{}", i);
                let doc = format!(" `value-{i}`");
                if i % 7 == 0 {
                    let long = "a long description that wraps ".repeat(i % 5 + 1);
                    quote!(#[doc = #doc] #[doc = ""] #[doc = #long] #v,)
                } else {
                    quote!(#[doc = #doc] #v,)
                }
            })
            .collect()
        });
        let arms = List::new(ListKind::Arms, n, |r: Range<usize>| {
            r.map(|i| {
                let v = format_ident!("Value{}", i);
                let s = format!("value-{i}");
                if i % 11 == 0 {
                    quote!(Self::#v => { let x = #s; x })
                } else {
                    quote!(Self::#v => #s,)
                }
            })
            .collect()
        });
        Pieced::new(vec![variants, arms], |slots| {
            let (variants, arms) = (&slots[0], &slots[1]);
            quote! {
                /// The values.
                #[derive(Clone, Debug)]
                pub enum Wide { #variants Unknown(String), }

                impl Wide {
                    pub fn as_str(&self) -> &str {
                        match self { #arms Self::Unknown(v) => v, }
                    }
                }
            }
        })
    }

    #[test]
    fn printing_in_pieces_gives_the_text_of_printing_whole() {
        let p = sample(103);
        let whole = format_chunk(p.whole(), "test").unwrap();
        for piece_len in [1, 2, 10, 50, 102, 103, 500] {
            assert_eq!(p.format(piece_len, "test").unwrap(), whole, "{piece_len}");
        }
        assert!(whole.contains("    Value102,\n"), "{whole}");
        assert!(whole.contains("Self::Value5 => \"value-5\",\n"), "{whole}");
    }

    #[test]
    fn parts_print_as_their_tokens_do_together() {
        let small = quote!(
            pub struct A;
            pub struct B;
        );
        let parts = || {
            vec![
                Part::Tokens(small.clone()),
                Part::Pieced(sample(PIECE_LEN * 2 + 3)),
                Part::Tokens(small.clone()),
                Part::Pieced(sample(3)),
            ]
        };
        let expected = format_chunk(whole(parts()), "test").unwrap();
        assert_eq!(format_parts(parts(), "test").unwrap(), expected);
    }
}
