//! The registry's domain core. No I/O here: storage is reached through the traits in [`store`],
//! time through [`clock::Clock`].

pub mod accounts;
pub mod clock;
pub mod health;
pub mod model;
pub mod moderation;
pub mod pipeline;
pub mod queue;
pub mod search;
pub mod serving;
pub mod state;
pub mod store;

pub use clock::{Clock, ManualClock, SystemClock};
pub use state::{IllegalTransition, SubmissionState};
