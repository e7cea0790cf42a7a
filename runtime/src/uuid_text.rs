//! `format: uuid` values, kept exactly as the server sent them.
//!
//! Servers send upper-case GUIDs, braces and URNs as well as the canonical form, and
//! sometimes ids that are not UUIDs at all. Decoding keeps the text, so nothing is
//! lost or rewritten; [`Uuid::to_uuid`] gives the typed value when there is one.

use std::fmt;

/// A `uuid` value: the exact text sent, with typed access.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uuid(String);

impl Uuid {
    /// The text as sent (or as built).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    /// The UUID, in any of the spellings the `uuid` crate reads (hyphenated,
    /// simple, braced, URN; either case).
    pub fn to_uuid(&self) -> Result<uuid::Uuid, uuid::Error> {
        uuid::Uuid::parse_str(self.0.trim())
    }
}

impl From<uuid::Uuid> for Uuid {
    /// The canonical lower-case hyphenated form.
    fn from(value: uuid::Uuid) -> Self {
        Self(value.hyphenated().to_string())
    }
}

impl From<String> for Uuid {
    /// Any text, unchecked.
    fn from(text: String) -> Self {
        Self(text)
    }
}

impl From<&str> for Uuid {
    fn from(text: &str) -> Self {
        Self(text.to_string())
    }
}

impl std::str::FromStr for Uuid {
    type Err = std::convert::Infallible;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(Self(text.to_string()))
    }
}

impl fmt::Display for Uuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Uuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Uuid({:?})", self.0)
    }
}

impl serde::Serialize for Uuid {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Uuid {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_round_trips_and_parses() {
        let canonical = "67e55044-10b1-426f-9247-bb680e5fe0c8";
        for text in [
            canonical,
            "67E55044-10B1-426F-9247-BB680E5FE0C8",
            "{67e55044-10b1-426f-9247-bb680e5fe0c8}",
            "urn:uuid:67e55044-10b1-426f-9247-bb680e5fe0c8",
            "67e5504410b1426f9247bb680e5fe0c8",
        ] {
            let json = serde_json::to_string(text).unwrap();
            let value: Uuid = serde_json::from_str(&json).unwrap();
            assert_eq!(serde_json::to_string(&value).unwrap(), json);
            assert_eq!(value.to_uuid().unwrap().to_string(), canonical, "{text}");
        }
    }

    #[test]
    fn a_non_uuid_decodes_and_reports_on_access() {
        let value: Uuid = serde_json::from_str("\"user-42\"").unwrap();
        assert_eq!(value.as_str(), "user-42");
        assert!(value.to_uuid().is_err());
    }

    #[test]
    fn built_from_a_uuid_is_canonical() {
        let u = uuid::Uuid::from_u128(0x67e5504410b1426f9247bb680e5fe0c8);
        assert_eq!(
            Uuid::from(u).as_str(),
            "67e55044-10b1-426f-9247-bb680e5fe0c8"
        );
    }
}
