//! Per-format checks: each parses one kind of file and runs the rules that apply to it.

pub mod ci;
pub mod project;
pub mod requirements;
