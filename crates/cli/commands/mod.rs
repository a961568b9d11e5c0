//! One module per subcommand.

pub mod baseline;
pub mod check;
pub mod db;
pub mod explain;
pub mod licenses;
pub mod rules;
