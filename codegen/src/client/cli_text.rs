//! The words of the program's help: flag specifications, one-sentence summaries,
//! parameter help and shell-quoted example invocations. Kept apart from `cli.rs`,
//! which decides what each command reads, so each file says one thing.

use crate::commands::{Flag, FlagKind};
use crate::docs;
use crate::operations::Param;
use crate::types::IntKind;
use proc_macro2::TokenStream;
use quote::quote;

/// The `FlagSpec` of a flag: the call of `FlagSpec::new` with a modifier for
/// each of required, repeated and a body member's (a call is half the tokens of
/// the struct expression, and a wide body prints tens of thousands of flags).
pub(super) fn flag_spec(f: &Flag, help: &str, required: bool, member: Option<&str>) -> TokenStream {
    let name = &f.name;
    let value_name = match &f.kind {
        FlagKind::Integer(_) => "INTEGER".to_string(),
        FlagKind::Number => "NUMBER".to_string(),
        FlagKind::Boolean => "BOOL".to_string(),
        FlagKind::Json => "JSON".to_string(),
        _ => f.name.to_ascii_uppercase().replace('-', "_"),
    };
    let kind = match &f.kind {
        FlagKind::Text => quote!(Text),
        FlagKind::Integer(k) => {
            let (min, max) = bounds(*k);
            quote!(Integer { min: #min, max: #max })
        }
        FlagKind::Number => quote!(Number),
        FlagKind::Boolean => quote!(Boolean),
        FlagKind::Choice { values, quoted } => {
            quote!(Choice { values: &[#(#values),*], quoted: #quoted })
        }
        FlagKind::Json => quote!(Json),
        FlagKind::Any => quote!(Any),
    };
    let mut spec =
        quote!(runtime::FlagSpec::new(#name, #value_name, #help, runtime::FlagKind::#kind));
    if required {
        spec.extend(quote!(.required()));
    }
    if f.multiple {
        spec.extend(quote!(.repeated()));
    }
    if let Some(member) = member {
        spec.extend(quote!(.of_member(#member)));
    }
    spec
}

/// An integer kind's bounds as `i128` constants.
fn bounds(k: IntKind) -> (TokenStream, TokenStream) {
    if k == IntKind::I128 {
        return (quote!(i128::MIN), quote!(i128::MAX));
    }
    let t = k.tokens();
    (quote!(#t::MIN as i128), quote!(#t::MAX as i128))
}

/// A parameter's help: the first sentence of its description, and its example.
pub(super) fn param_help(p: &Param) -> String {
    let mut help = first_sentence(p.description.as_deref());
    if help.is_empty() {
        help = format!("The {} parameter `{}`", p.location.as_str(), p.wire);
    }
    if p.deprecated {
        help = format!("(deprecated) {help}");
    }
    if let Some(e) = &p.example {
        let text = match e {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        if text.len() <= 40 {
            help = format!("{} (example: {text})", help.trim_end());
        }
    }
    help.trim().to_string()
}

/// The first sentence of the first paragraph, as plain text on one line.
pub(super) fn first_sentence(text: Option<&str>) -> String {
    let lines = docs::plain(text.unwrap_or_default(), usize::MAX);
    let para: Vec<&str> = lines
        .iter()
        .map(String::as_str)
        .take_while(|l| !l.trim().is_empty())
        .collect();
    let para = para.join(" ");
    let end = para
        .match_indices(". ")
        .map(|(i, _)| i)
        .find(|&i| !para[..i].ends_with("e.g") && !para[..i].ends_with("i.e"));
    let sentence = match end {
        Some(i) => &para[..i],
        None => para.trim_end_matches('.'),
    };
    sentence.trim().to_string()
}

/// `--flag value` (repeated for each item of an array example), with a
/// placeholder when the document has no example.
pub(super) fn example_words(f: &Flag, example: Option<&serde_json::Value>) -> Vec<String> {
    let flag = format!("--{}", f.name);
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let values: Vec<String> = match (example, &f.kind) {
        (Some(serde_json::Value::Array(items)), _) if f.multiple => {
            items.iter().map(text).collect()
        }
        (Some(v), _) => vec![text(v)],
        (None, FlagKind::Choice { values, .. }) => values.first().cloned().into_iter().collect(),
        (None, _) => vec![format!("<{}>", f.name)],
    };
    values
        .into_iter()
        .flat_map(|v| [flag.clone(), shell_word(&v)])
        .collect()
}

/// A word as a POSIX shell reads it back: quoted unless it is plain.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@%+=,<>".contains(c))
        && word.starts_with('<') == word.ends_with('>');
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_are_shell_words() {
        assert_eq!(shell_word("acme"), "acme");
        assert_eq!(shell_word("<company-name>"), "<company-name>");
        assert_eq!(shell_word("a b"), "'a b'");
        assert_eq!(shell_word(r#"{"a":"it's"}"#), r#"'{"a":"it'\''s"}'"#);
        assert_eq!(shell_word(""), "''");
    }

    #[test]
    fn summaries_are_one_sentence() {
        assert_eq!(first_sentence(Some("Get a port. More text.")), "Get a port");
        assert_eq!(
            first_sentence(Some("Lists **all** ports, e.g. yours.\n\nSecond.")),
            "Lists all ports, e.g. yours"
        );
        assert_eq!(first_sentence(None), "");
    }
}
