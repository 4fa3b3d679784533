//! A string that is never printed: `Debug` and `Display` show `***`.

use std::fmt;

/// A secret string (keys, passwords, tokens). It serialises as the plain string on the wire,
/// but `Debug` and `Display` never show it, so it cannot leak into logs.
#[derive(Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }

    /// The secret itself; call sites that need it say so.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Length in characters (for validation; the value itself is never reported).
    /// Whether `candidate` equals the secret, in time independent of where they differ.
    pub fn matches(&self, candidate: &str) -> bool {
        let (a, b) = (self.0.as_bytes(), candidate.as_bytes());
        let diff = a
            .iter()
            .zip(b)
            .fold(u8::from(a.len() != b.len()), |acc, (x, y)| acc | (x ^ y));
        std::hint::black_box(diff) == 0
    }

    pub fn char_len(&self) -> usize {
        self.0.chars().count()
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret(s.to_owned())
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret(s)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_printed() {
        let s = Secret::new("1234567890abcdef");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert_eq!(format!("{s}"), "***");
        assert_eq!(s.expose(), "1234567890abcdef");
        assert_eq!(
            serde_json::to_string(&s).ok().as_deref(),
            Some("\"1234567890abcdef\"")
        );
    }
}
