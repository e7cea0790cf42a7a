//! Any bytes through parse → validate → generate: must never panic, hang or overflow.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = codegen::validate(&text);
    let _ = codegen::generate(&text, &codegen::Settings::new("fuzzed", "fuzz", "input"));
});
