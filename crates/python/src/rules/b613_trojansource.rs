use crate::rules::Rule;
use crate::walk::{FileCx, Issue};
use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};

declare_rule! {
    /// ## What it does
    /// Finds Unicode bidirectional control characters (U+202A–U+202E, U+2066–U+2069, U+200F)
    /// anywhere in a Python file, comments and strings included (Bandit B613). Only the first line
    /// that has one is reported, pointing at the character.
    ///
    /// ## Why is this bad?
    /// These characters reorder how text is displayed, so code can read differently in an editor or
    /// review tool than the interpreter sees it ("Trojan Source", CVE-2021-42574).
    ///
    /// ## Example
    /// ```python
    /// access_level = "user"
    /// if access_level != "none\u202e\u2066":  # B613 (written with the raw characters)
    ///     ...
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/plugins/b613_trojansource.html
    /// - https://trojansource.codes/
    /// - https://cwe.mitre.org/data/definitions/838.html
    pub static RULE = {
        id: "B613", name: "trojansource", checker: CheckerKind::Python,
        severity: Severity::High, confidence: Confidence::Medium, cwe: Some(838),
        summary: "Unicode bidirectional control characters in the source (Trojan Source).",
    };
}

const BIDI: &[char] = &[
    '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}', '\u{2068}',
    '\u{2069}', '\u{200f}',
];

pub(crate) fn check(cx: &mut FileCx<'_, '_>) {
    // All of them encode as E2 80/81 xx: skip files without that lead byte.
    if !cx.src.as_bytes().contains(&0xe2) {
        return;
    }
    for (i, line) in cx.src.split('\n').enumerate() {
        // Bandit reports the first character of its list that the line holds.
        let Some((c, byte)) = BIDI.iter().find_map(|c| line.find(*c).map(|b| (*c, b))) else {
            continue;
        };
        let line_no = i as u32 + 1;
        cx.issues.push(Issue {
            rule: Rule::B613,
            severity: Severity::High,
            confidence: Confidence::Medium,
            message: format!(
                "A Python source file contains bidirectional control characters ('\\u{:04x}').",
                c as u32
            ),
            line: line_no,
            node_line: line_no,
            col: byte as u32,
            end_line: line_no,
            end_col: (byte + c.len_utf8()) as u32,
            range: (line_no, line_no),
            secret: None,
        });
        return;
    }
}

/// The words this rule needs in a statement to report there (see `crate::prefilter`).
pub(crate) fn trigger(_s: &crate::config::Settings) -> crate::prefilter::Trigger {
    use crate::prefilter::Trigger;
    BIDI.iter().fold(Trigger::default(), |t, c| {
        t.or(Trigger::text(&c.to_string()))
    })
}

/// How the registry runs this rule: `check` on the whole file, once (prefilter: `trigger`).
pub(crate) const DECL: super::Decl = super::Decl::rule(&RULE, super::Visit::File(check), trigger);
