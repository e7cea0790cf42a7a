//! Wide enums: one table of values instead of two `match`es.
//!
//! An enum of many values (the generator's `WIDE_ENUM`) lists each value once, in
//! a table of `(variant, wire value)` in the order of the variants, rather than
//! once in a `match` from variant to wire value and again in one from wire value
//! to variant: printing (and compiling) the value three times is what made an
//! enum of 200,000 values slow to generate. The table is looked up both ways:
//! by variant with a binary search (the derived `Ord` orders variants as they are
//! declared, so the table is sorted by variant), and by wire value through an
//! index sorted by wire value, built once on first use.

use std::borrow::Borrow;
use std::sync::OnceLock;

/// The wire value of `known`, a listed variant of the enum whose table is
/// `table`; `None` for a variant the table does not list (the enum's unknown one).
pub fn enum_wire<T: Ord, K: Copy>(table: &[(T, K)], known: &T) -> Option<K> {
    table
        .binary_search_by(|(variant, _)| variant.cmp(known))
        .ok()
        .and_then(|i| table.get(i))
        .map(|(_, key)| *key)
}

/// An index of an enum's table by wire value: positions in the table, sorted by
/// the value they hold. One per enum, in a `static`, built on first use.
pub struct EnumIndex(OnceLock<Vec<usize>>);

impl EnumIndex {
    pub const fn new() -> Self {
        Self(OnceLock::new())
    }

    /// The variant whose wire value is `value`, if the table lists one.
    pub fn find<'t, T, K, Q>(&self, table: &'t [(T, K)], value: &Q) -> Option<&'t T>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        let order = self.0.get_or_init(|| {
            let mut order: Vec<usize> = (0..table.len()).collect();
            order.sort_by(|&a, &b| table[a].1.borrow().cmp(table[b].1.borrow()));
            order
        });
        let at = order
            .binary_search_by(|&i| {
                table
                    .get(i)
                    .map_or(std::cmp::Ordering::Greater, |(_, key)| {
                        key.borrow().cmp(value)
                    })
            })
            .ok()?;
        order
            .get(at)
            .and_then(|&i| table.get(i))
            .map(|(variant, _)| variant)
    }
}

impl Default for EnumIndex {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the generator writes for a wide string enum (here three values).
    #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
    enum Word {
        Zebra,
        Apple,
        Mango,
        Unknown(String),
    }

    const WORDS: &[(Word, &str)] = &[
        (Word::Zebra, "zebra"),
        (Word::Apple, "apple"),
        (Word::Mango, "mango"),
    ];

    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
    enum Level {
        High,
        Low,
        Unknown(i64),
    }

    const LEVELS: &[(Level, i64)] = &[(Level::High, 10), (Level::Low, -3)];

    #[test]
    fn every_value_is_found_both_ways_and_others_are_not() {
        static INDEX: EnumIndex = EnumIndex::new();
        for (variant, value) in WORDS {
            assert_eq!(enum_wire(WORDS, variant), Some(*value));
            assert_eq!(INDEX.find(WORDS, *value), Some(variant), "{value}");
        }
        assert_eq!(enum_wire(WORDS, &Word::Unknown("apple".into())), None);
        for other in ["", "Apple", "appl", "zebras", "b"] {
            assert_eq!(INDEX.find(WORDS, other), None, "{other}");
        }
        static LEVEL_INDEX: EnumIndex = EnumIndex::new();
        assert_eq!(LEVEL_INDEX.find(LEVELS, &-3), Some(&Level::Low));
        assert_eq!(LEVEL_INDEX.find(LEVELS, &10), Some(&Level::High));
        assert_eq!(LEVEL_INDEX.find(LEVELS, &0), None);
        assert_eq!(enum_wire(LEVELS, &Level::Low), Some(-3));
        assert_eq!(enum_wire(LEVELS, &Level::Unknown(-3)), None);
    }

    #[test]
    fn a_wide_table_is_looked_up_in_both_directions() {
        // Values in an order unrelated to their text, as a document lists them.
        let values: Vec<String> = (0..5000u32)
            .map(|i| format!("v{}", i.wrapping_mul(2_654_435_761)))
            .collect();
        let table: Vec<(u32, &str)> = values
            .iter()
            .enumerate()
            .map(|(i, v)| (i as u32, v.as_str()))
            .collect();
        let index = EnumIndex::new();
        for (variant, value) in &table {
            assert_eq!(index.find(&table, *value), Some(variant));
            assert_eq!(enum_wire(&table, variant), Some(*value));
        }
        assert_eq!(index.find(&table, "w"), None);
    }
}
