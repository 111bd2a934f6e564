//! The campaign's strangers (issue 21): the network as the campaign gives it at a
//! minute, and the sleepers in it as people with dreams.

use bevy::prelude::*;
use bevy::tasks::{AsyncComputeTaskPool, Task, block_on, poll_once};

use super::desk::family_traits;
use crate::levels::DiveSpec;
use crate::levels::Levels;
use crate::levels::Library;
use crate::levels::story::Story;
use crate::levels::stranger_dive::StrangerError;
use crate::levels::strangers::Stranger;
use crate::long_work::{FrameShare, LongWork, WorkMeter};
use crate::network::{Intervention, Network, Policy, ReplaySource, Rerun};

/// The network minute the overload begins at on the scripted path (`sleep-sync
/// playthrough --path 1`, checked by tests/game/playthrough.rs): where `preview --sleeper`
/// looks by default.
pub const SCRIPTED_OVERLOAD_MINUTE: u64 = 3682;

/// The campaign's network at `minute`, as the scripted path would give it: the story's
/// seed, size and family, warmed up, with the overload trapping the family at
/// `overload` if `minute` has reached it. `None` before the warm-up ends (Juno has not
/// sat down).
pub fn scripted_network(story: &Story, overload: u64, minute: u64) -> Option<Network> {
    scripted_rerun(story, overload, minute).map(Rerun::finish)
}

/// [`scripted_network`] to simulate, none of it run yet: to run in slices.
pub fn scripted_rerun(story: &Story, overload: u64, minute: u64) -> Option<Rerun> {
    let setup = story.network;
    if minute < u64::from(setup.warm_up_hours) * 60 {
        return None;
    }
    let family = family_traits(story);
    let journal = if minute >= overload {
        vec![(
            overload,
            Intervention::Overload((0..family.len()).collect()),
        )]
    } else {
        Vec::new()
    };
    Rerun::begin(ReplaySource {
        seed: setup.seed,
        count: setup.sleepers as usize,
        policy: Policy::SomnoTech,
        family: &family,
        journal: &journal,
        minute,
    })
    .ok()
}

/// Why a sleeper has no stranger's dream.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoDream {
    #[error("sleeper {sleeper} is not in the network: it has sleepers 0 to {last}")]
    Outside { sleeper: usize, last: usize },
    #[error("sleeper {sleeper} is {name}, of Juno's family: their dream is `{dive}`")]
    Family {
        sleeper: usize,
        name: String,
        dive: String,
    },
    #[error(transparent)]
    Files(#[from] StrangerError),
}

/// Whether sleeper `sleeper` of the story's network can be a stranger: in the network
/// and none of the family. Cheap: nothing is simulated.
pub fn check_sleeper(library: &Library, story: &Story, sleeper: usize) -> Result<(), NoDream> {
    let count = (story.network.sleepers as usize).max(story.family.len());
    if sleeper >= count {
        return Err(NoDream::Outside {
            sleeper,
            last: count.saturating_sub(1),
        });
    }
    if let Some(member) = story.family.get(sleeper) {
        let name = library
            .dive(&member.dive)
            .map_or_else(|| member.dive.clone(), |d| d.dreamer.name.clone());
        return Err(NoDream::Family {
            sleeper,
            name,
            dive: member.dive.clone(),
        });
    }
    Ok(())
}

/// Sleeper `sleeper` of `network` as a person, and the dive into their dream now.
pub fn stranger_of(
    library: &Library,
    story: &Story,
    network: &Network,
    sleeper: usize,
) -> Result<(Stranger, DiveSpec), NoDream> {
    let stranger = stranger_at(library, story, network, sleeper)?;
    let dive = library.stranger_dive(&stranger)?;
    Ok((stranger, dive))
}

/// Sleeper `sleeper` of `network` as a person, without their dream: who they are costs
/// about a microsecond, their dream put together a third of a millisecond (for a panel
/// redrawn every frame, the dream waits until it is dived into).
pub fn stranger_at(
    library: &Library,
    story: &Story,
    network: &Network,
    sleeper: usize,
) -> Result<Stranger, NoDream> {
    check_sleeper(library, story, sleeper)?;
    let profile = network.profile(sleeper).ok_or(NoDream::Outside {
        sleeper,
        last: network.len().saturating_sub(1),
    })?;
    Ok(library.stranger(network.seed(), &profile)?)
}

/// The network minute Free dive finds strangers at: three in the morning of the night
/// after the scripted overload (it begins in the afternoon), when the loops have spread
/// (2,924 sleepers trapped).
pub const FREE_DIVE_MINUTE: u64 = 4500;

/// The campaign's network at [`FREE_DIVE_MINUTE`], for Free dive's strangers: simulated
/// when first asked for (a couple of seconds of work; on another thread, or a slice a
/// frame in the browser), then kept until the level files change.
#[derive(Resource)]
pub enum StrangerNetwork {
    /// Asked for: begun once the levels are loaded, on another thread or in slices
    /// ([`LongWork`]).
    Asked,
    /// Simulated on another thread.
    Building(Task<Option<Network>>),
    /// Simulated a slice a frame.
    Slices(Box<Rerun>),
    Ready(Box<Network>),
    /// The story's network does not reach that minute.
    Unavailable,
}

impl StrangerNetwork {
    /// The network, once simulated.
    pub fn network(&self) -> Option<&Network> {
        match self {
            Self::Ready(network) => Some(network),
            _ => None,
        }
    }
}

/// Begins the strangers' network once asked for, runs a slice of it (first of the
/// frame's long work: the player waits on it), and takes it when it is done.
pub(super) fn poll_stranger_network(
    mut strangers: ResMut<StrangerNetwork>,
    levels: Res<Levels>,
    how: Res<LongWork>,
    share: Res<FrameShare>,
    time: Res<Time<Real>>,
    mut meter: ResMut<WorkMeter>,
) {
    match &mut *strangers {
        StrangerNetwork::Asked if levels.ready => {
            let story = levels.library.story.clone();
            let (overload, minute) = (SCRIPTED_OVERLOAD_MINUTE, FREE_DIVE_MINUTE);
            // On another thread all of it, the network's making included; in slices,
            // made here and run a slice a frame.
            *strangers = match *how {
                LongWork::Background => StrangerNetwork::Building(
                    AsyncComputeTaskPool::get()
                        .spawn(async move { scripted_network(&story, overload, minute) }),
                ),
                LongWork::Slices => match scripted_rerun(&story, overload, minute) {
                    Some(rerun) => StrangerNetwork::Slices(Box::new(rerun)),
                    None => StrangerNetwork::Unavailable,
                },
            };
        }
        StrangerNetwork::Building(task) => {
            if let Some(network) = block_on(poll_once(task)) {
                *strangers = network.map_or(StrangerNetwork::Unavailable, |n| {
                    StrangerNetwork::Ready(Box::new(n))
                });
            }
        }
        StrangerNetwork::Slices(rerun) => {
            let done =
                meter.run_waiting(*share, time.delta(), |share| rerun.run_while(share.more()));
            if done {
                let StrangerNetwork::Slices(rerun) =
                    std::mem::replace(&mut *strangers, StrangerNetwork::Asked)
                else {
                    unreachable!("matched above")
                };
                *strangers = StrangerNetwork::Ready(Box::new(rerun.finish()));
            }
        }
        _ => {}
    }
}

/// Edited level files may have changed the story's network: simulated again when next
/// asked for.
pub(super) fn forget_stranger_network(mut commands: Commands) {
    commands.remove_resource::<StrangerNetwork>();
}
