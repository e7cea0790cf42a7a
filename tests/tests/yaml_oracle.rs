//! The generated YAML set of `cargo xtask yaml-oracle` (block and flow styles,
//! anchors, merge keys at any depth and order, duplicate keys, tags, every scalar
//! form) read by the generator's reader, against the JSON PyYAML's C loader gave
//! for each text (`tests/yaml-oracle/expected.json`, written by
//! `cargo xtask yaml-oracle --bless`, which CI checks is still PyYAML's). No
//! Python here: the heavy comparison (the corpus too) is the xtask's.

#[test]
fn the_generated_set_reads_as_pyyaml_reads_it() {
    let root = consoleconnect_tests::workspace_root();
    let expected = xtask::yaml_oracle::expected(&root).expect("the expected readings");
    let cases = xtask::yaml_oracle::cases();
    assert_eq!(
        cases.len(),
        expected.len(),
        "the set and {} disagree: run `cargo xtask yaml-oracle --bless`",
        xtask::yaml_oracle::EXPECTED
    );
    let mut same = 0;
    for case in &cases {
        let want = expected
            .get(&case.name)
            .unwrap_or_else(|| panic!("no expected reading for {}", case.name));
        let ours = codegen::yaml::read(&case.text);
        match want.get("$error") {
            // PyYAML refuses it: we refuse it too, or read it and say why.
            Some(_) => {
                if let Ok(read) = ours {
                    assert!(
                        read.diagnostics
                            .iter()
                            .any(|d| d.code == codegen::diagnostics::Code::Yaml
                                || d.code == codegen::diagnostics::Code::DuplicateKey),
                        "{}: PyYAML refuses it; we read it without a word:\n{}",
                        case.name,
                        case.text
                    );
                }
            }
            None => {
                let read = ours.unwrap_or_else(|e| {
                    panic!(
                        "{}: PyYAML reads it, we refuse it: {e:?}\n{}",
                        case.name, case.text
                    )
                });
                // Byte for byte: member order included.
                assert_eq!(
                    serde_json::to_string(&read.value).unwrap(),
                    serde_json::to_string(want).unwrap(),
                    "{}:\n{}",
                    case.name,
                    case.text
                );
                same += 1;
            }
        }
    }
    assert!(same >= 130, "most of the set is YAML PyYAML reads ({same})");
}
