//! Progress on a terminal for long work (a walk over tens of thousands of files, `db update`):
//! drawn on standard error only when a person is watching it. Never when standard error is not
//! a terminal, under pre-commit, in CI, with a machine format or `-q`: there it would be noise
//! in a log or corrupt a report.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

static WANTED: AtomicBool = AtomicBool::new(false);

/// Runs smaller than this finish before a bar would say anything useful.
const MIN_ITEMS: u64 = 2000;

/// Decides once per run whether progress may be drawn.
pub fn enable_if_interactive(text_format: bool, quiet: bool) {
    let env_says_no = ["CI", "PRE_COMMIT", "GITHUB_ACTIONS", "NO_PROGRESS"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()));
    let on = text_format && !quiet && !env_says_no && std::io::stderr().is_terminal();
    WANTED.store(on, Ordering::Relaxed);
}

/// A counter of `total` items (`unit`: "files"), or one that draws nothing.
pub fn counter(total: u64, unit: &str) -> Progress {
    if !WANTED.load(Ordering::Relaxed) || total < MIN_ITEMS {
        return Progress(None);
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template(&format!(
        "{{spinner}} {{pos}}/{{len}} {unit} [{{bar:30}}] {{elapsed}}"
    ))
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    Progress(Some(bar))
}

/// A spinner with a message, for work whose size is unknown (a fetch).
pub fn spinner(message: &str) -> Progress {
    if !WANTED.load(Ordering::Relaxed) {
        return Progress(None);
    }
    let bar = ProgressBar::new_spinner().with_message(message.to_string());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    Progress(Some(bar))
}

pub struct Progress(Option<ProgressBar>);

impl Progress {
    pub fn inc(&self) {
        if let Some(b) = &self.0 {
            b.inc(1);
        }
    }

    pub fn set_message(&self, message: String) {
        if let Some(b) = &self.0 {
            b.set_message(message);
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_drawn_unless_enabled() {
        // Tests run without a terminal, and this one says so explicitly.
        enable_if_interactive(false, false);
        assert!(counter(1_000_000, "files").0.is_none());
        assert!(spinner("x").0.is_none());
    }
}
