//! Checks of what people type that every form shares (issue 16: parsing at the edge starts here).

use crate::spend_line::MAX_NOTE_CHARS;

/// The reason a correction needs, trimmed: refused when empty (saying it is needed to say why
/// `why`, like "the closure is reversed") or longer than a note may be.
pub fn reason<'a>(text: &'a str, why: &str) -> Result<&'a str, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(format!("Reason: say why {why}"));
    }
    optional_reason(text)
}

/// A reason that may be left empty, trimmed: refused only when longer than a note may be.
pub fn optional_reason(text: &str) -> Result<&str, String> {
    let text = text.trim();
    if text.chars().count() > MAX_NOTE_CHARS {
        return Err(format!("Reason: at most {MAX_NOTE_CHARS} characters"));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::{optional_reason, reason};
    use crate::spend_line::MAX_NOTE_CHARS;

    #[test]
    fn a_reason_is_needed_and_not_too_long() {
        assert_eq!(
            reason("  Typed twice ", "the site is archived"),
            Ok("Typed twice")
        );
        assert_eq!(
            reason(" \t", "the site is archived"),
            Err("Reason: say why the site is archived".to_owned())
        );
        let long = "x".repeat(MAX_NOTE_CHARS + 1);
        assert!(reason(&long, "x").unwrap_err().contains("at most"));
        assert_eq!(optional_reason(""), Ok(""));
        assert!(optional_reason(&long).is_err());
        assert_eq!(
            optional_reason(&"é".repeat(MAX_NOTE_CHARS)).map(str::len),
            Ok(2 * MAX_NOTE_CHARS)
        );
    }
}
