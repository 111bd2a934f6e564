//! Father's voice on the link: what he says when something happens in a dive, chosen
//! from the campaign's `story.father` by the moment and the story so far (a player who
//! blamed him hears it). Only a dive he holds the link for has his voice. The HUD shows
//! what he says; a headless run can read it too.

use bevy::prelude::*;

use super::{ActiveDive, DiveLink, DiveNews};
use crate::levels::Levels;
use crate::levels::story::DiveMoment;
use crate::state::{AppState, DiveResources};

/// Father says this, now.
#[derive(Message, Debug, Clone, PartialEq, Eq)]
pub struct FatherSays(pub String);

/// How often each moment has come this dive (he speaks his lines for it in turn), and
/// whether he has warned of the failing link.
#[derive(Resource, Debug, Default)]
pub struct FatherVoice {
    said: Vec<(DiveMoment, usize)>,
    warned: bool,
}

impl FatherVoice {
    /// The line for `moment` this time, if he has one.
    fn speak<'s>(
        &mut self,
        moment: DiveMoment,
        levels: &'s Levels,
        dive: &ActiveDive,
    ) -> Option<&'s str> {
        let count = match self.said.iter_mut().find(|(m, _)| *m == moment) {
            Some((_, n)) => {
                *n += 1;
                *n - 1
            }
            None => {
                self.said.push((moment, 1));
                0
            }
        };
        levels
            .library
            .story
            .father_line(moment, count, &dive.facts())
    }
}

pub(super) fn plugin(app: &mut App) {
    app.add_message::<FatherSays>()
        .init_dive_resource::<FatherVoice>()
        .add_systems(
            Update,
            listen
                .in_set(crate::AppSystems::Update)
                .run_if(in_state(AppState::Dream))
                .run_if(resource_exists::<DiveLink>.and_then(resource_exists::<ActiveDive>)),
        );
}

fn listen(
    mut news: DiveNews,
    mut voice: ResMut<FatherVoice>,
    link: Res<DiveLink>,
    dive: Res<ActiveDive>,
    levels: Res<Levels>,
    mut says: MessageWriter<FatherSays>,
) {
    let mut heard = Vec::new();
    // The link's first frame is the dive's start (the voice is new for every dive).
    if link.is_added() {
        heard.push(DiveMoment::Start);
    }
    heard.extend(news.heard());
    if link.stability < link.rules.warn_below && !voice.warned {
        voice.warned = true;
        heard.push(DiveMoment::LinkLow);
    }
    for moment in heard {
        if let Some(line) = voice.speak(moment, &levels, &dive) {
            says.write(FatherSays(line.to_owned()));
        }
    }
}
