//! Checks of what people type that every form shares (issue 16: parsing at the edge starts here).

use crate::spend_line::{FieldError, MAX_NOTE_CHARS};

/// Collects every problem with what was typed into one form, each naming its field, so a
/// person sees them all at once (the forms' `parse_*` functions share it).
#[derive(Debug, Default)]
pub struct Checker {
    errors: Vec<FieldError>,
}

impl Checker {
    pub fn new() -> Self {
        Self::default()
    }

    /// Refuses `field` with `message` (which names the field as people see it).
    pub fn error(&mut self, field: &str, message: String) {
        self.errors.push(FieldError {
            field: field.to_owned(),
            message,
        });
    }

    /// Whether nothing was refused.
    pub fn is_clean(&self) -> bool {
        self.errors.is_empty()
    }

    /// Every problem found.
    pub fn into_errors(self) -> Vec<FieldError> {
        self.errors
    }

    /// `value` when nothing was refused; otherwise every problem.
    pub fn finish<T>(self, value: T) -> Result<T, Vec<FieldError>> {
        if self.errors.is_empty() {
            Ok(value)
        } else {
            Err(self.errors)
        }
    }

    /// A whole number from 0 to `max` (commas allowed); blank is 0 when `required`, otherwise
    /// nothing.
    pub fn count(
        &mut self,
        field: &str,
        label: &str,
        text: &str,
        required: bool,
        max: i64,
    ) -> Option<i64> {
        let text = text.trim().replace(',', "");
        if text.is_empty() {
            return required.then_some(0);
        }
        match text.parse::<i64>() {
            Ok(n) if n < 0 => {
                self.error(field, format!("{label}: cannot be negative"));
                None
            }
            Ok(n) if n > max => {
                self.error(field, format!("{label}: at most {max}"));
                None
            }
            Ok(n) => Some(n),
            Err(_) => {
                self.error(field, format!("{label}: a whole number, like 12"));
                None
            }
        }
    }
}

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
    use super::{optional_reason, reason, Checker};

    #[test]
    fn a_checker_names_every_problem_at_once() {
        let mut c = Checker::new();
        assert_eq!(
            c.count("racks", "Racks", " 1,200 ", false, 10_000),
            Some(1200)
        );
        assert_eq!(c.count("racks", "Racks", "", false, 10), None);
        assert_eq!(c.count("hosts", "Hosts", "", true, 10), Some(0));
        assert!(c.is_clean());
        assert_eq!(c.count("tier", "Tier", "-1", false, 4), None);
        assert_eq!(c.count("tier", "Tier", "5", false, 4), None);
        assert_eq!(c.count("tier", "Tier", "three", false, 4), None);
        let errors = c.finish(()).unwrap_err();
        let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            messages,
            vec![
                "Tier: cannot be negative",
                "Tier: at most 4",
                "Tier: a whole number, like 12"
            ]
        );
        assert!(errors.iter().all(|e| e.field == "tier"));
        assert_eq!(Checker::new().finish(7), Ok(7));
    }
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
