//! Integration tests: the real `palisade` binary, driven as users drive it.

mod bandit_compat;
mod cli;
mod common;
mod fuzz_replay;
mod git_modes;
mod pre_commit;
mod trust;
