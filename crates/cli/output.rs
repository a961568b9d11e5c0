//! Where output goes: stdout or `-o FILE` (through the core's atomic writer), after a last
//! redaction pass; colour decisions; broken pipes.

use std::io::{self, IsTerminal, Write};
use std::path::Path;

use anyhow::{Context, Result};
use palisade_core::redact::Redactor;
use palisade_core::report::{emit, Format, Report, TextOptions};

use crate::args::ColorChoice;

/// Colour when asked, or on a terminal without NO_COLOR (https://no-color.org).
pub fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && io::stdout().is_terminal()
        }
    }
}

/// A closed pipe (`palisade ... | head`) is the reader's choice, not an error.
pub fn ignore_broken_pipe(r: io::Result<()>) -> io::Result<()> {
    match r {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Whether the report reached its reader: `Ok(false)` when stdout's reader closed the pipe,
/// after which the run exits 0 whatever it found.
pub fn write_report(
    format: Format,
    report: &Report<'_>,
    text: &TextOptions,
    output: Option<&Path>,
    redactor: &Redactor,
) -> Result<bool> {
    let mut buf = Vec::new();
    emit(format, report, text, &mut buf).context("cannot render the report")?;
    let buf = redactor.bytes(buf);
    match output {
        Some(path) => {
            palisade_core::write::write_atomic(path, &buf)?;
            Ok(true)
        }
        None => {
            let stdout = io::stdout();
            let mut out = stdout.lock();
            match out.write_all(&buf).and_then(|_| out.flush()) {
                Ok(()) => Ok(true),
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(false),
                Err(e) => Err(anyhow::Error::new(e).context("cannot write the report")),
            }
        }
    }
}
