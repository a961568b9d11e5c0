//! One module per subcommand.

pub mod accepts;
pub mod baseline;
pub mod check;
pub mod db;
pub mod explain;
pub mod fix;
pub mod licenses;
pub mod rules;
