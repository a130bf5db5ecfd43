//! The submission state machine. Pure: the store asks [`SubmissionState::check_transition`]
//! before it writes, and writes the new state together with its event in one transaction.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SubmissionState {
    /// Accepted and queued; the worker has not fetched the repository yet.
    Received,
    Tier1Scanning,
    /// Tier 1 said FAIL; the decision (reject, block or human review) is pending.
    Tier1Failed,
    Tier2Scanning,
    /// Scans passed policy; publishing is pending.
    AutoApproved,
    NeedsReview,
    Published,
    Rejected,
    Blocked,
    /// Paused by an administrator; resumes through a rescan.
    OnHold,
    /// Must be verified again from tier 1 (rule set changed, content changed, admin request).
    RescanRequired,
    /// The pipeline could not finish (e.g. the job exhausted its retries); the reason says why.
    Errored,
}

impl SubmissionState {
    pub const ALL: [SubmissionState; 12] = [
        Self::Received,
        Self::Tier1Scanning,
        Self::Tier1Failed,
        Self::Tier2Scanning,
        Self::AutoApproved,
        Self::NeedsReview,
        Self::Published,
        Self::Rejected,
        Self::Blocked,
        Self::OnHold,
        Self::RescanRequired,
        Self::Errored,
    ];

    /// States in which a submission occupies its (repository, skill path) slot: a second
    /// submission of the same skill returns this one instead. Must match the partial unique
    /// index `submissions_one_active` in both migration folders (a store test checks it).
    pub const ACTIVE: [SubmissionState; 8] = [
        Self::Received,
        Self::Tier1Scanning,
        Self::Tier1Failed,
        Self::Tier2Scanning,
        Self::AutoApproved,
        Self::NeedsReview,
        Self::OnHold,
        Self::RescanRequired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Received => "RECEIVED",
            Self::Tier1Scanning => "TIER1_SCANNING",
            Self::Tier1Failed => "TIER1_FAILED",
            Self::Tier2Scanning => "TIER2_SCANNING",
            Self::AutoApproved => "AUTO_APPROVED",
            Self::NeedsReview => "NEEDS_REVIEW",
            Self::Published => "PUBLISHED",
            Self::Rejected => "REJECTED",
            Self::Blocked => "BLOCKED",
            Self::OnHold => "ON_HOLD",
            Self::RescanRequired => "RESCAN_REQUIRED",
            Self::Errored => "ERRORED",
        }
    }

    pub fn is_active(self) -> bool {
        Self::ACTIVE.contains(&self)
    }

    /// A final decision was reached; the pipeline has nothing more to do.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            Self::Published | Self::Rejected | Self::Blocked | Self::Errored
        )
    }

    /// The states this one may move to. Anything else is an [`IllegalTransition`].
    pub fn successors(self) -> &'static [SubmissionState] {
        use SubmissionState::*;
        match self {
            Received => &[Tier1Scanning, Rejected, Blocked, OnHold, Errored],
            Tier1Scanning => &[
                Tier2Scanning,
                Tier1Failed,
                Rejected,
                Blocked,
                OnHold,
                Errored,
            ],
            Tier1Failed => &[Rejected, Blocked, NeedsReview],
            Tier2Scanning => &[
                AutoApproved,
                NeedsReview,
                Rejected,
                Blocked,
                OnHold,
                Errored,
            ],
            // NeedsReview when publishing finds a conflict a human must settle (e.g. name taken).
            AutoApproved => &[Published, NeedsReview, RescanRequired, Blocked],
            // AutoApproved: a reviewer approved it and the pipeline publishes what was scanned.
            NeedsReview => &[
                AutoApproved,
                Published,
                Rejected,
                Blocked,
                OnHold,
                RescanRequired,
            ],
            Published => &[RescanRequired, Blocked],
            RescanRequired => &[Tier1Scanning, Blocked, OnHold, Errored],
            OnHold => &[RescanRequired, Rejected, Blocked],
            // A rejection stands unless the author's appeal is accepted: a reviewer then looks
            // at it, or it is verified again. Otherwise the author submits again.
            Rejected => &[NeedsReview, RescanRequired],
            // Only an administrator lifts a block, and the skill is then reviewed again.
            Blocked => &[NeedsReview],
            Errored => &[RescanRequired],
        }
    }

    pub fn check_transition(self, to: SubmissionState) -> Result<(), IllegalTransition> {
        if self.successors().contains(&to) {
            Ok(())
        } else {
            Err(IllegalTransition { from: self, to })
        }
    }
}

impl fmt::Display for SubmissionState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown submission state `{0}`")]
pub struct UnknownState(pub String);

impl FromStr for SubmissionState {
    type Err = UnknownState;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|state| state.as_str() == s)
            .ok_or_else(|| UnknownState(s.to_owned()))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("illegal state transition {from} -> {to}")]
pub struct IllegalTransition {
    pub from: SubmissionState,
    pub to: SubmissionState,
}

#[cfg(test)]
mod tests {
    use super::SubmissionState::{self, *};

    /// The whole transition matrix written out independently of `successors`, so a change to
    /// either is caught: rows are `from`, columns follow `SubmissionState::ALL`.
    #[rustfmt::skip]
    const MATRIX: [[u8; 12]; 12] = [
        //      RCV T1S T1F T2S AUT REV PUB REJ BLK HLD RSC ERR
        /*RCV*/ [0,  1,  0,  0,  0,  0,  0,  1,  1,  1,  0,  1],
        /*T1S*/ [0,  0,  1,  1,  0,  0,  0,  1,  1,  1,  0,  1],
        /*T1F*/ [0,  0,  0,  0,  0,  1,  0,  1,  1,  0,  0,  0],
        /*T2S*/ [0,  0,  0,  0,  1,  1,  0,  1,  1,  1,  0,  1],
        /*AUT*/ [0,  0,  0,  0,  0,  1,  1,  0,  1,  0,  1,  0],
        /*REV*/ [0,  0,  0,  0,  1,  0,  1,  1,  1,  1,  1,  0],
        /*PUB*/ [0,  0,  0,  0,  0,  0,  0,  0,  1,  0,  1,  0],
        /*REJ*/ [0,  0,  0,  0,  0,  1,  0,  0,  0,  0,  1,  0],
        /*BLK*/ [0,  0,  0,  0,  0,  1,  0,  0,  0,  0,  0,  0],
        /*HLD*/ [0,  0,  0,  0,  0,  0,  0,  1,  1,  0,  1,  0],
        /*RSC*/ [0,  1,  0,  0,  0,  0,  0,  0,  1,  1,  0,  1],
        /*ERR*/ [0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  1,  0],
    ];

    #[test]
    fn every_pair_matches_the_matrix() {
        for (i, from) in SubmissionState::ALL.into_iter().enumerate() {
            for (j, to) in SubmissionState::ALL.into_iter().enumerate() {
                let allowed = MATRIX[i][j] == 1;
                let result = from.check_transition(to);
                assert_eq!(result.is_ok(), allowed, "{from} -> {to}");
                if let Err(err) = result {
                    assert_eq!(err.from, from);
                    assert_eq!(err.to, to);
                    assert_eq!(
                        err.to_string(),
                        format!("illegal state transition {from} -> {to}")
                    );
                }
            }
        }
    }

    #[test]
    fn no_self_loops() {
        for state in SubmissionState::ALL {
            assert!(state.check_transition(state).is_err(), "{state}");
        }
    }

    #[test]
    fn every_state_reaches_a_terminal_state() {
        for start in SubmissionState::ALL {
            let mut seen = vec![start];
            let mut frontier = vec![start];
            while let Some(state) = frontier.pop() {
                for &next in state.successors() {
                    if !seen.contains(&next) {
                        seen.push(next);
                        frontier.push(next);
                    }
                }
            }
            assert!(
                seen.iter().any(|s| s.is_terminal()),
                "{start} cannot finish"
            );
        }
    }

    #[test]
    fn received_reaches_published_only_through_both_tiers_or_a_reviewer() {
        // Remove the tier states and human review: PUBLISHED must become unreachable from
        // RECEIVED, so nothing is published without passing both tiers or a reviewer.
        let mut seen = vec![Received];
        let mut frontier = vec![Received];
        while let Some(state) = frontier.pop() {
            for &next in state.successors() {
                if matches!(next, Tier1Scanning | Tier2Scanning | NeedsReview)
                    || seen.contains(&next)
                {
                    continue;
                }
                seen.push(next);
                frontier.push(next);
            }
        }
        assert!(!seen.contains(&Published));
        assert!(!seen.contains(&AutoApproved));
    }

    #[test]
    fn names_round_trip_through_text_and_json() {
        for state in SubmissionState::ALL {
            assert_eq!(state.as_str().parse::<SubmissionState>(), Ok(state));
            let json = serde_json::to_string(&state).unwrap();
            assert_eq!(json, format!("\"{}\"", state.as_str()));
            assert_eq!(
                serde_json::from_str::<SubmissionState>(&json).unwrap(),
                state
            );
        }
        assert!("published".parse::<SubmissionState>().is_err());
    }

    #[test]
    fn active_and_terminal_partition_the_states() {
        for state in SubmissionState::ALL {
            assert_ne!(state.is_active(), state.is_terminal(), "{state}");
        }
    }
}
