//! (being written)

pub mod external;
pub mod tier2;
