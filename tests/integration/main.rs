//! Integration tests: the real `palisade` binary, driven as users drive it.

mod bandit_compat;
mod cli;
mod common;
mod db_tls;
mod deps;
mod fuzz_replay;
mod git_modes;
mod pre_commit;
mod pre_commit_mirror;
mod trust;
