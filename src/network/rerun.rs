//! A network simulated again from its journal ([`Network::replay`]) a minute at a time,
//! so it can be run in slices between frames (a saved game's network on Continue, the
//! strangers' network for Free dive). However it is sliced, the same network comes of it.

use super::{Intervention, Network, Policy, ReplayError, Traits};

/// What a network is simulated again from: how it was made (what [`Network::new`] takes),
/// what was done to it and when (its journal, oldest first), and the minute it had
/// reached. A saved game keeps these; the strangers' network is made from the story's.
#[derive(Debug, Clone, Copy)]
pub struct ReplaySource<'a> {
    pub seed: u64,
    /// Sleepers in the network.
    pub count: usize,
    pub policy: Policy,
    /// The family's traits, the network's first sleepers.
    pub family: &'a [Traits],
    pub journal: &'a [(u64, Intervention)],
    /// The minute to simulate to.
    pub minute: u64,
}

/// A network being simulated again: its journal checked, its minutes run as asked.
#[derive(Debug, Clone)]
pub struct Rerun {
    network: Network,
    journal: Vec<(u64, Intervention)>,
    /// The journal's next entry to apply.
    next: usize,
    until: u64,
}

impl Rerun {
    /// The network [`Network::new`] gives, the source's journal checked (each entry in
    /// order, by its minute, up to the source's, naming sleepers the network has), none
    /// of it run yet.
    pub fn begin(source: ReplaySource) -> Result<Self, ReplayError> {
        let ReplaySource {
            seed,
            count,
            policy,
            family,
            journal,
            minute,
        } = source;
        let network = Network::new(seed, count, policy, family);
        let mut last = network.minute;
        for (index, (at, intervention)) in journal.iter().enumerate() {
            let at = *at;
            if at < last {
                return Err(ReplayError::OutOfOrder { index, minute: at });
            }
            if at > minute {
                return Err(ReplayError::AfterTheEnd {
                    index,
                    minute: at,
                    until: minute,
                });
            }
            let named = match intervention {
                Intervention::Overload(trapped) => trapped.iter().copied().max(),
                Intervention::Free(sleeper) | Intervention::Bring(sleeper) => Some(*sleeper),
                Intervention::Release => None,
            };
            if let Some(sleeper) = named.filter(|s| *s >= network.len()) {
                return Err(ReplayError::NoSuchSleeper {
                    index,
                    sleeper,
                    count: network.len(),
                });
            }
            last = at;
        }
        Ok(Self {
            network,
            journal: journal.to_vec(),
            next: 0,
            until: minute,
        })
    }

    /// Minutes still to run.
    pub fn minutes_left(&self) -> u64 {
        self.until.saturating_sub(self.network.minute)
    }

    /// Runs minutes one at a time while `more()` says so (asked before each), each
    /// intervention at its minute; whether it is done.
    pub fn run_while(&mut self, mut more: impl FnMut() -> bool) -> bool {
        loop {
            while let Some((at, intervention)) = self.journal.get(self.next)
                && *at == self.network.minute
            {
                match intervention {
                    Intervention::Overload(trapped) => self.network.overload(trapped),
                    Intervention::Free(sleeper) => self.network.free(*sleeper),
                    Intervention::Release => self.network.release(),
                    Intervention::Bring(sleeper) => self.network.bring(*sleeper),
                }
                self.next += 1;
            }
            if self.minutes_left() == 0 || !more() {
                return self.minutes_left() == 0;
            }
            self.network.step();
        }
    }

    /// The network, the rest run first if it is not yet.
    pub fn finish(mut self) -> Network {
        self.run_while(|| true);
        self.network
    }
}
