//! Look-ahead tables for reading one line of Markdown. The readers ask, at an
//! opening `[`, `<` or backtick run, where its closing is; answered by scanning
//! the rest of the line, a line of many openers without closings took time
//! quadratic in its length (a description of one long line is enough). Each
//! table is built in one pass, so a line is read in linear time.

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;

/// The look-ahead of one line, each table built the first time a reader asks
/// for it: most lines have none of the constructs and pay nothing.
pub(super) struct Ahead<'a> {
    chars: &'a [char],
    /// [`next_char`] tables, by character.
    next: RefCell<Vec<(char, Vec<usize>)>>,
    /// [`next_where`] of a link's middle `](`.
    link_mid: OnceCell<Vec<usize>>,
    ticks: OnceCell<Backticks>,
}

impl<'a> Ahead<'a> {
    pub(super) fn new(chars: &'a [char]) -> Self {
        Ahead {
            chars,
            next: RefCell::new(Vec::new()),
            link_mid: OnceCell::new(),
            ticks: OnceCell::new(),
        }
    }

    /// The first position from `at` (up to the line's length) holding `c`, or
    /// the line's length.
    pub(super) fn next(&self, c: char, at: usize) -> usize {
        let mut tables = self.next.borrow_mut();
        if let Some((_, table)) = tables.iter().find(|(k, _)| *k == c) {
            return table[at];
        }
        let table = next_char(self.chars, c);
        let found = table[at];
        tables.push((c, table));
        found
    }

    /// The first position from `at` where `](` starts, or the line's length.
    pub(super) fn link_mid(&self, at: usize) -> usize {
        let chars = self.chars;
        self.link_mid.get_or_init(|| {
            next_where(chars.len(), |j| {
                chars[j] == ']' && chars.get(j + 1) == Some(&'(')
            })
        })[at]
    }

    pub(super) fn ticks(&self) -> &Backticks {
        self.ticks.get_or_init(|| Backticks::of(self.chars))
    }
}

/// `next[i]`: the first position `j >= i` where `hit(j)`, or the line's length;
/// defined for `i` up to and including the length.
fn next_where(len: usize, hit: impl Fn(usize) -> bool) -> Vec<usize> {
    let mut next = vec![len; len + 1];
    for i in (0..len).rev() {
        next[i] = if hit(i) { i } else { next[i + 1] };
    }
    next
}

/// `next[i]` of [`next_where`] for one character.
fn next_char(chars: &[char], c: char) -> Vec<usize> {
    next_where(chars.len(), |i| chars[i] == c)
}

/// The runs of backticks of a line, to find where an inline code span closes.
pub(super) struct Backticks {
    /// Each run: where it starts and how long it is.
    runs: Vec<(usize, usize)>,
    /// By run: the next run at least as long.
    next_not_shorter: Vec<Option<usize>>,
    /// By run: the next run longer than it.
    next_longer: Vec<Option<usize>>,
    /// By run: the next run exactly as long.
    next_same: Vec<Option<usize>>,
}

impl Backticks {
    pub(super) fn of(chars: &[char]) -> Self {
        let mut runs = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            if chars[i] == '`' {
                let start = i;
                while i < chars.len() && chars[i] == '`' {
                    i += 1;
                }
                runs.push((start, i - start));
            } else {
                i += 1;
            }
        }
        let mut next_not_shorter = vec![None; runs.len()];
        let mut next_longer = vec![None; runs.len()];
        let mut next_same = vec![None; runs.len()];
        // Walking back: stacks of runs each longer (not shorter) than the ones
        // above it, and the last run seen of each length.
        let mut stack: Vec<usize> = Vec::new();
        let mut strict: Vec<usize> = Vec::new();
        let mut last_of_len: HashMap<usize, usize> = HashMap::new();
        for r in (0..runs.len()).rev() {
            let len = runs[r].1;
            while stack.last().is_some_and(|&s| runs[s].1 < len) {
                stack.pop();
            }
            next_not_shorter[r] = stack.last().copied();
            stack.push(r);
            while strict.last().is_some_and(|&s| runs[s].1 <= len) {
                strict.pop();
            }
            next_longer[r] = strict.last().copied();
            strict.push(r);
            next_same[r] = last_of_len.insert(len, r);
        }
        Backticks {
            runs,
            next_not_shorter,
            next_longer,
            next_same,
        }
    }

    /// The run holding position `i`, if any.
    fn run_at(&self, i: usize) -> Option<usize> {
        let r = self
            .runs
            .partition_point(|&(start, _)| start <= i)
            .checked_sub(1)?;
        let (start, len) = self.runs[r];
        (i < start + len).then_some(r)
    }

    /// Where the span opened by the backticks from `i` to the end of their run
    /// closes: the first later position from which exactly as many backticks
    /// follow (the tail of a longer run counts). `None` when nothing closes it.
    pub(super) fn close_any(&self, i: usize) -> Option<usize> {
        let r = self.run_at(i)?;
        let (start, len) = self.runs[r];
        let want = start + len - i;
        let mut next = if want == len {
            self.next_not_shorter[r]
        } else {
            // Opened inside a run (after an escaped backtick): later runs too
            // short are skipped to the next longer one.
            (r + 1 < self.runs.len()).then_some(r + 1)
        };
        while let Some(n) = next {
            let (s, l) = self.runs[n];
            if l >= want {
                return Some(s + l - want);
            }
            next = self.next_longer[n];
        }
        None
    }

    /// Where the span opened by the whole run starting at `i` closes: the next
    /// run of exactly its length.
    pub(super) fn close_same(&self, i: usize) -> Option<usize> {
        let r = self.run_at(i)?;
        let n = self.next_same[r]?;
        Some(self.runs[n].0)
    }
}
