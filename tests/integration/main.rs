//! Integration tests: the real `palisade` binary, driven as users drive it.

mod architecture;
mod bandit_compat;
mod cli;
mod common;
mod db_tls;
mod deps;
mod fuzz_replay;
mod git_modes;
mod history;
mod output_snapshots;
mod pre_commit;
mod pre_commit_mirror;
mod trust;
