//! Rust identifiers, computed once from spec names.
//!
//! Words are split at case changes with acronyms kept whole, so `OperatorID` → `operator_id`,
//! `ConnectorIDs` → `connector_ids`, `BMSCode` → `bms_code`, `SOC` → `soc`, `FoPEnergy` →
//! `fo_p_energy`, `T-Construction-E3` → `ConstructionE3` (after the `T-` prefix is dropped).

/// Rust keywords (strict, reserved and edition 2024 `gen`).
pub const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be written as raw identifiers.
pub const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Splits a name into words.
pub fn words(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in s.split(|c: char| !c.is_ascii_alphanumeric()) {
        let chars: Vec<char> = part.chars().collect();
        let mut cur = String::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let prev = if i > 0 { Some(chars[i - 1]) } else { None };
            let next = chars.get(i + 1).copied();
            let boundary = match prev {
                None => false,
                Some(p) => {
                    (c.is_ascii_uppercase() && (p.is_ascii_lowercase() || p.is_ascii_digit()))
                        // The last capital of an acronym starts a new word (`BMSCode` → BMS Code),
                        // except before a plural `s` that ends the word (`IDs`).
                        || (c.is_ascii_uppercase()
                            && p.is_ascii_uppercase()
                            && next.is_some_and(|n| n.is_ascii_lowercase())
                            && !(next == Some('s')
                                && chars.get(i + 2).is_none_or(|a| !a.is_ascii_lowercase())))
                }
            };
            if boundary && !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            cur.push(c);
            i += 1;
        }
        if !cur.is_empty() {
            out.push(cur);
        }
    }
    out
}

/// `snake_case` of a name (without keyword handling).
pub fn snake(s: &str) -> String {
    words(s)
        .iter()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_")
}

/// `UpperCamelCase` of a name, acronyms as words (`OperatorID` → `OperatorId`).
pub fn pascal(s: &str) -> String {
    words(s)
        .iter()
        .map(|w| {
            let lower = w.to_ascii_lowercase();
            let mut cs = lower.chars();
            match cs.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + cs.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// `SCREAMING_SNAKE_CASE` of a name.
pub fn screaming(s: &str) -> String {
    snake(s).to_ascii_uppercase()
}

pub fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

/// Whether `s` is a valid Rust identifier (ASCII) that does not start with a digit.
pub fn is_ident(s: &str) -> bool {
    let mut cs = s.chars();
    matches!(cs.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && cs.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acronyms_stay_whole() {
        assert_eq!(snake("OperatorID"), "operator_id");
        assert_eq!(snake("ConnectorIDs"), "connector_ids");
        assert_eq!(snake("ConnectorIds"), "connector_ids");
        assert_eq!(snake("StationIDs"), "station_ids");
        assert_eq!(snake("BMSCode"), "bms_code");
        assert_eq!(snake("BMSPowerType"), "bms_power_type");
        assert_eq!(snake("SOC"), "soc");
        assert_eq!(snake("Soc"), "soc");
        assert_eq!(snake("FoPEnergy"), "fo_p_energy");
        assert_eq!(snake("AVoltage"), "a_voltage");
        assert_eq!(snake("EnvTemp1"), "env_temp1");
        assert_eq!(snake("VIN"), "vin");
        assert_eq!(snake("CameraIP"), "camera_ip");
        assert_eq!(snake("query_stations_info"), "query_stations_info");
        assert_eq!(
            snake("notification_stationInfo"),
            "notification_station_info"
        );
        assert_eq!(pascal("T-Construction-E3"), "TConstructionE3");
        assert_eq!(pascal("Construction-E3"), "ConstructionE3");
        assert_eq!(pascal("BMSPowerType"), "BmsPowerType");
        assert_eq!(pascal("query_token"), "QueryToken");
        assert_eq!(pascal("DisequipmentID"), "DisequipmentId");
    }

    #[test]
    fn identifiers() {
        assert!(is_ident("a_b1"));
        assert!(!is_ident("1a"));
        assert!(!is_ident("a-b"));
        assert!(is_keyword("gen"));
        assert!(is_keyword("type"));
    }
}
