//! Migration from gitleaks: a `.gitleaks.toml` in the scan root becomes palisade rules and
//! allowlist entries, so a team switching keeps its custom rules and its allowlists.
//!
//! What is translated:
//! - `[[rules]]`: `id`, `description`, `regex`, `secretGroup` (the other groups become
//!   non-capturing, so that group is the secret), `entropy`, `keywords` (derived from a literal
//!   run of the regex when there are none: palisade's prefilter needs one);
//! - each rule's allowlists (`[rules.allowlist]`, `[[rules.allowlists]]`) and the global ones
//!   (`[allowlist]`, `[[allowlists]]`, with `targetRules`): `paths`, `regexes` over the secret,
//!   `stopwords`; gitleaks' default `OR` condition becomes one entry per kind of condition,
//!   `AND` one entry with all of them;
//! - `[extend] useDefault`: palisade's built-in rules always apply (they replace gitleaks'
//!   default rules).
//!
//! What cannot be translated is said, naming the rule, never dropped silently: a regex that
//! the Rust `regex` crate does not accept (Go-only syntax such as `\Q...\E` or `\C`), a
//! rule without a regex (path-only rules), a rule-level `path` (the rule then runs on every
//! file), allowlist regexes over the line or the whole match (applied to the secret only),
//! `commits` allowlists, `[extend] path`, `disabledRules`.

use toml::Value;

use crate::config::AllowEntry;
use crate::spec::RuleSpec;

/// What a `.gitleaks.toml` becomes.
#[derive(Debug, Default)]
pub struct GitleaksImport {
    pub rules: Vec<RuleSpec>,
    pub allow: Vec<AllowEntry>,
    /// One sentence per thing not translated or translated with a difference, each naming
    /// the rule or the table it comes from.
    pub notes: Vec<String>,
}

/// Translates a gitleaks configuration. `taken(id)` says whether a rule id is already used
/// (a built-in rule): such a rule is imported as `gitleaks-<id>`. `Err` only when the text
/// is no TOML at all.
pub fn translate(text: &str, taken: impl Fn(&str) -> bool) -> Result<GitleaksImport, String> {
    palisade_core::nesting::check_toml_depth(text, palisade_core::nesting::MAX_TOML_DEPTH)
        .map_err(|e| format!("not a gitleaks configuration: {e}"))?;
    let doc: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        format!(
            "not a gitleaks configuration: {}",
            palisade_core::nesting::toml_error_line(e.message(), e.span().map(|s| s.start), text)
        )
    })?;
    let mut out = GitleaksImport::default();

    if let Some(ext) = doc.get("extend").and_then(Value::as_table) {
        if ext.get("path").is_some() || ext.get("url").is_some() {
            out.notes.push(
                "[extend] path/url is not followed: palisade reads only this file (add the \
                 other file's rules here, or as a palisade rules file)"
                    .into(),
            );
        }
        if let Some(list) = ext.get("disabledRules").and_then(Value::as_array) {
            let ids: Vec<&str> = list.iter().filter_map(Value::as_str).collect();
            if !ids.is_empty() {
                out.notes.push(format!(
                    "[extend] disabledRules ({}) is not applied: gitleaks rule ids are not \
                     palisade's; turn rules off with `ignore = [...]` in palisade's configuration",
                    ids.join(", ")
                ));
            }
        }
    } else if doc.get("rules").is_some() {
        out.notes.push(
            "no [extend] useDefault: gitleaks would use only this file's rules; palisade keeps \
             its built-in rules as well"
                .into(),
        );
    }

    for rule in doc
        .get("rules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(rule) = rule.as_table() else {
            continue;
        };
        translate_rule(rule, &taken, &mut out);
    }

    // Global allowlists: the old single table and the newer array, with `targetRules`.
    let mut globals: Vec<&toml::Table> = Vec::new();
    if let Some(t) = doc.get("allowlist").and_then(Value::as_table) {
        globals.push(t);
    }
    for t in doc
        .get("allowlists")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(t) = t.as_table() {
            globals.push(t);
        }
    }
    for t in globals {
        let rules: Vec<String> = strings(t, "targetRules")
            .into_iter()
            .map(|id| palisade_id(&id, &taken))
            .collect();
        translate_allowlist(t, &rules, "global allowlist", &mut out);
    }
    Ok(out)
}

fn strings(t: &toml::Table, key: &str) -> Vec<String> {
    t.get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// A gitleaks id as a palisade id: kebab-case, and prefixed when a built-in rule has it.
fn palisade_id(id: &str, taken: &impl Fn(&str) -> bool) -> String {
    let mut s: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    while s.contains("--") {
        s = s.replace("--", "-");
    }
    let s = s.trim_matches('-').to_string();
    let s = if s.is_empty() { "rule".to_string() } else { s };
    if taken(&s) {
        format!("gitleaks-{s}")
    } else {
        s
    }
}

fn translate_rule(rule: &toml::Table, taken: &impl Fn(&str) -> bool, out: &mut GitleaksImport) {
    let Some(raw_id) = rule.get("id").and_then(Value::as_str) else {
        out.notes
            .push("a [[rules]] entry without an id was not imported".into());
        return;
    };
    let id = palisade_id(raw_id, taken);
    let Some(regex) = rule.get("regex").and_then(Value::as_str) else {
        out.notes.push(format!(
            "rule `{raw_id}` was not imported: it has no regex (palisade has no rules that \
             match file names only)"
        ));
        return;
    };
    let group = rule
        .get("secretGroup")
        .and_then(Value::as_integer)
        .unwrap_or(0);
    let regex = if group > 0 {
        match only_group(regex, group as usize) {
            Some(r) => r,
            None => {
                out.notes.push(format!(
                    "rule `{raw_id}` was not imported: its regex has no group {group} (secretGroup)"
                ));
                return;
            }
        }
    } else {
        regex.to_string()
    };
    if let Err(e) = regex::Regex::new(&regex) {
        let text = e.to_string();
        let first = text
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .trim();
        out.notes.push(format!(
            "rule `{raw_id}` was not imported: its regex is not valid in palisade's (Rust) \
             regex syntax ({first}); Go-only syntax such as \\Q...\\E or \\C must be rewritten"
        ));
        return;
    }
    let mut keywords: Vec<String> = strings(rule, "keywords")
        .into_iter()
        .map(|k| k.to_ascii_lowercase())
        .filter(|k| k.len() >= 2)
        .collect();
    if keywords.is_empty() {
        match literal_keyword(&regex) {
            Some(k) => {
                out.notes.push(format!(
                    "rule `{raw_id}` has no keywords: palisade derived `{k}` from its regex"
                ));
                keywords.push(k);
            }
            None => {
                out.notes.push(format!(
                    "rule `{raw_id}` was not imported: it has no keywords and no literal text \
                     in its regex to derive one from (palisade runs a rule's regex only near \
                     one of its keywords; add `keywords`)"
                ));
                return;
            }
        }
    }
    if rule.get("path").is_some() {
        out.notes.push(format!(
            "rule `{raw_id}`: its `path` condition is not applied; the rule runs on every file"
        ));
    }
    let description = rule
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or(raw_id);
    out.rules.push(RuleSpec {
        id: id.clone(),
        name: description.to_string(),
        provider: "(gitleaks configuration)".into(),
        regex,
        keywords,
        min_entropy: rule
            .get("entropy")
            .and_then(|v| v.as_float().or_else(|| v.as_integer().map(|i| i as f64)))
            .filter(|e| (0.0..=8.0).contains(e)),
        validator: None,
        severity: "high".into(),
        confidence: "medium".into(),
        cwe: None,
        description: Some(format!("Imported from .gitleaks.toml rule `{raw_id}`.")),
        references: Vec::new(),
        multiline: false,
        generic: false,
        skip_noise_filter: false,
        identifier: false,
        pair: None,
        examples: Vec::new(),
        negative_examples: Vec::new(),
    });
    let mut lists: Vec<&toml::Table> = Vec::new();
    if let Some(t) = rule.get("allowlist").and_then(Value::as_table) {
        lists.push(t);
    }
    for t in rule
        .get("allowlists")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(t) = t.as_table() {
            lists.push(t);
        }
    }
    for t in lists {
        translate_allowlist(
            t,
            std::slice::from_ref(&id),
            &format!("rule `{raw_id}`"),
            out,
        );
    }
}

/// An allowlist table as allow entries for `rules` (empty: every rule).
fn translate_allowlist(t: &toml::Table, rules: &[String], whose: &str, out: &mut GitleaksImport) {
    let paths = strings(t, "paths");
    let mut regexes = strings(t, "regexes");
    let stopwords = strings(t, "stopwords");
    let target = t
        .get("regexTarget")
        .and_then(Value::as_str)
        .unwrap_or("secret");
    if !regexes.is_empty() && target != "secret" {
        out.notes.push(format!(
            "{whose}: allowlist regexes over the {target} are applied to the secret only"
        ));
    }
    if !strings(t, "commits").is_empty() {
        out.notes.push(format!(
            "{whose}: the `commits` allowlist is not applied (palisade accepts by secret and \
             place: use a baseline)"
        ));
    }
    let valid = |list: Vec<String>, what: &str, out: &mut GitleaksImport| -> Vec<String> {
        list.into_iter()
            .filter(|r| match regex::Regex::new(r) {
                Ok(_) => true,
                Err(_) => {
                    out.notes.push(format!(
                        "{whose}: allowlist {what} regex `{r}` is not valid in palisade's regex \
                         syntax and was not applied"
                    ));
                    false
                }
            })
            .collect()
    };
    let paths = valid(paths, "path", out);
    regexes = valid(regexes, "value", out);
    let reason = Some(format!(
        "from .gitleaks.toml ({whose}){}",
        t.get("description")
            .and_then(Value::as_str)
            .map(|d| format!(": {d}"))
            .unwrap_or_default()
    ));
    let and = t
        .get("condition")
        .and_then(Value::as_str)
        .is_some_and(|c| c.eq_ignore_ascii_case("and"));
    let entry = |paths: Vec<String>, values: Vec<String>, stopwords: Vec<String>| AllowEntry {
        rules: rules.to_vec(),
        paths,
        values,
        stopwords,
        reason: reason.clone(),
    };
    if and {
        if !(paths.is_empty() && regexes.is_empty() && stopwords.is_empty()) {
            if !regexes.is_empty() && !stopwords.is_empty() {
                // palisade's entry takes values OR stopwords: the AND of the two is wider.
                out.notes.push(format!(
                    "{whose}: regexes AND stopwords is applied as regexes OR stopwords"
                ));
            }
            out.allow.push(entry(paths, regexes, stopwords));
        }
        return;
    }
    if !paths.is_empty() {
        out.allow.push(entry(paths, Vec::new(), Vec::new()));
    }
    if !regexes.is_empty() {
        out.allow.push(entry(Vec::new(), regexes, Vec::new()));
    }
    if !stopwords.is_empty() {
        out.allow.push(entry(Vec::new(), Vec::new(), stopwords));
    }
}

/// `regex` with every capturing group but the `n`th (1-based, counted by opening
/// parenthesis, named groups included) made non-capturing, so the `n`th is the first group and
/// so the secret. `None` when there is no `n`th group.
pub fn only_group(regex: &str, n: usize) -> Option<String> {
    let b = regex.as_bytes();
    let mut out = String::with_capacity(regex.len() + 8);
    let (mut i, mut count, mut in_class, mut found) = (0, 0, false, false);
    while i < b.len() {
        let c = b[i];
        match c {
            b'\\' => {
                let end = (i + 2).min(b.len());
                out.push_str(&regex[i..end]);
                i = end;
                continue;
            }
            b'[' if !in_class => in_class = true,
            b']' if in_class => in_class = false,
            b'(' if !in_class => {
                let rest = &regex[i + 1..];
                // `(?P<name>` and `(?<name>` capture; other `(?` groups do not.
                let named = rest.starts_with("?P<")
                    || (rest.starts_with("?<")
                        && !rest.starts_with("?<=")
                        && !rest.starts_with("?<!"));
                if !rest.starts_with('?') || named {
                    count += 1;
                    if count == n {
                        found = true;
                    } else {
                        out.push_str("(?:");
                        i += 1;
                        if named {
                            // Skip the name.
                            let close = rest.find('>')?;
                            i += close + 1;
                        }
                        continue;
                    }
                }
            }
            _ => {}
        }
        // Copy one whole character (the regex may hold non-ASCII text).
        let len = regex[i..].chars().next().map_or(1, char::len_utf8);
        out.push_str(&regex[i..i + len]);
        i += len;
    }
    found.then_some(out)
}

/// The longest run of literal text (letters, digits, `_`, `-`) of 3 or more characters that
/// every match contains, lower-cased: at the top level of a regex without top-level
/// alternation, or inside groups when the regex has no alternation and no optional group at
/// all. `None` when there is none.
pub fn literal_keyword(regex: &str) -> Option<String> {
    let b = regex.as_bytes();
    let plain = !regex.contains('|')
        && !regex.contains(")?")
        && !regex.contains(")*")
        && !regex.contains("){0");
    let max_depth = if plain { i32::MAX } else { 0 };
    let (mut depth, mut in_class) = (0i32, false);
    let mut best = String::new();
    let mut cur = String::new();
    let mut i = 0;
    let flush = |cur: &mut String, best: &mut String| {
        if cur.len() > best.len() {
            *best = cur.clone();
        }
        cur.clear();
    };
    while i < b.len() {
        let c = b[i];
        if in_class {
            if c == b'\\' {
                i += 1;
            } else if c == b']' {
                in_class = false;
            }
            i += 1;
            continue;
        }
        match c {
            b'\\' => {
                flush(&mut cur, &mut best);
                i += 2;
                continue;
            }
            b'[' => {
                flush(&mut cur, &mut best);
                in_class = true;
            }
            b'(' => {
                flush(&mut cur, &mut best);
                depth += 1;
                // Skip a flag group's letters: `(?i)`, `(?:`.
                if b.get(i + 1) == Some(&b'?') {
                    i += 2;
                    while i < b.len() && b[i].is_ascii_alphabetic() {
                        i += 1;
                    }
                    continue;
                }
            }
            b')' => {
                flush(&mut cur, &mut best);
                depth -= 1;
            }
            b'|' if depth == 0 => return None,
            b'?' | b'*' | b'{' => {
                // The last character is optional or repeated: not part of every match.
                cur.pop();
                flush(&mut cur, &mut best);
            }
            c if depth <= max_depth && (c.is_ascii_alphanumeric() || c == b'_' || c == b'-') => {
                cur.push(c.to_ascii_lowercase() as char);
            }
            _ => flush(&mut cur, &mut best),
        }
        i += 1;
    }
    flush(&mut cur, &mut best);
    (best.len() >= 3).then_some(best)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_group_becomes_the_first_group() {
        assert_eq!(
            only_group(r"(key)\s*=\s*([a-z]{8})", 2).unwrap(),
            r"(?:key)\s*=\s*([a-z]{8})"
        );
        assert_eq!(
            only_group(r"(?P<k>key)=(?P<v>[a-z(]{8})", 2).unwrap(),
            r"(?:key)=(?P<v>[a-z(]{8})"
        );
        assert_eq!(
            only_group(r"(?i)(a)(?:b)(c)", 2).unwrap(),
            r"(?i)(?:a)(?:b)(c)"
        );
        assert!(only_group(r"(a)", 2).is_none());
        assert_eq!(only_group(r"\((a)", 1).unwrap(), r"\((a)");
    }

    #[test]
    fn keywords_from_literal_text() {
        assert_eq!(
            literal_keyword(r"\bacme_[a-z0-9]{24}\b").as_deref(),
            Some("acme_")
        );
        assert_eq!(
            literal_keyword(r"(?i)AcmeKey-[0-9]{8}").as_deref(),
            Some("acmekey-")
        );
        assert_eq!(literal_keyword(r"ab|cd"), None);
        assert_eq!(literal_keyword(r"[a-z]{8}"), None);
        assert_eq!(literal_keyword(r"tokens?=[0-9]+").as_deref(), Some("token"));
        assert_eq!(
            literal_keyword(r"(?i)(acme_svc_pass)\s*=").as_deref(),
            Some("acme_svc_pass")
        );
        assert_eq!(literal_keyword(r"(abcdef)?x"), None);
        assert_eq!(literal_keyword(r"(abc|def)xy"), None);
    }
}
