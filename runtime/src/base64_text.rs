//! `format: byte` values: base64 text, kept exactly as the server sent it.
//!
//! Servers differ in alphabet (standard or URL-safe), padding and line breaks.
//! Decoding keeps the text, so a value goes back unchanged; [`Base64::decode`]
//! gives the bytes.

use std::fmt;

/// Bytes carried in JSON as base64 text (`format: byte`).
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Base64(String);

impl Base64 {
    /// The text as sent (or as built).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    /// The bytes. Reads the standard and URL-safe alphabets, padded or not, and
    /// ignores ASCII whitespace (MIME-style line breaks).
    pub fn decode(&self) -> Result<Vec<u8>, base64::DecodeError> {
        use base64::Engine as _;
        let compact: String = self
            .0
            .chars()
            .filter(|c| !c.is_ascii_whitespace())
            .collect();
        let trimmed = compact.trim_end_matches('=');
        let standard = base64::engine::general_purpose::STANDARD_NO_PAD.decode(trimmed);
        standard.or_else(|e| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(trimmed)
                .map_err(|_| e)
        })
    }

    /// Encodes bytes in the standard alphabet, padded.
    pub fn encode(bytes: impl AsRef<[u8]>) -> Self {
        use base64::Engine as _;
        Self(base64::engine::general_purpose::STANDARD.encode(bytes))
    }
}

impl From<Vec<u8>> for Base64 {
    fn from(bytes: Vec<u8>) -> Self {
        Self::encode(bytes)
    }
}

impl From<&[u8]> for Base64 {
    fn from(bytes: &[u8]) -> Self {
        Self::encode(bytes)
    }
}

impl fmt::Display for Base64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Base64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Base64({:?})", self.0)
    }
}

impl serde::Serialize for Base64 {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Base64 {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_alphabet_and_padding_decodes_and_round_trips() {
        for text in ["aGk/Pz8=", "aGk/Pz8", "aGk_Pz8", "aGk_Pz8=", "aGk/\nPz8="] {
            let json = serde_json::to_string(text).unwrap();
            let value: Base64 = serde_json::from_str(&json).unwrap();
            assert_eq!(value.decode().unwrap(), b"hi???", "{text}");
            assert_eq!(serde_json::to_string(&value).unwrap(), json);
        }
    }

    #[test]
    fn invalid_text_decodes_as_a_value_and_fails_on_access() {
        let value: Base64 = serde_json::from_str("\"not base64!\"").unwrap();
        assert!(value.decode().is_err());
    }

    #[test]
    fn built_from_bytes_is_standard_padded() {
        assert_eq!(Base64::from(b"hi???".to_vec()).as_str(), "aGk/Pz8=");
    }
}
