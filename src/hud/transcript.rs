//! Everything said in the dive so far, to read again: Father on the link, the people of
//! the dream, the talk at the core and Juno's answers, in order. Lines on screen fade
//! (Father's after nine seconds, the subtitles after seven); the pause menu's "What was
//! said" keeps them ([`Transcript`]).

use bevy::prelude::*;

use crate::dive::{ActiveDive, FatherSays, LoopState, NightmareLoop, PersonSays};
use crate::state::AppState;

/// The most lines kept: a long dive's first ones go.
const KEPT: usize = 400;

/// One line said in the dive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Said {
    /// Who said it, as the player sees the name.
    pub who: String,
    pub text: String,
    /// The loop it was said in (1 for the first).
    pub loop_number: u32,
}

/// The dive's lines, oldest first.
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct Transcript(pub Vec<Said>);

impl Transcript {
    /// Keeps a line (not twice in a row: a talk's lines are noted as they are shown).
    pub fn note(&mut self, who: &str, text: &str, loop_number: u32) {
        if self
            .0
            .last()
            .is_some_and(|last| last.who == who && last.text == text)
        {
            return;
        }
        self.0.push(Said {
            who: who.to_owned(),
            text: text.to_owned(),
            loop_number,
        });
        let extra = self.0.len().saturating_sub(KEPT);
        self.0.drain(..extra);
    }
}

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Transcript>()
        .add_systems(
            OnEnter(AppState::Dream),
            |mut transcript: ResMut<Transcript>| transcript.0.clear(),
        )
        .add_systems(
            Update,
            listen
                .after(crate::AppSystems::Update)
                .run_if(in_state(AppState::Dream)),
        );
}

/// Father's lines, the people's, and the talk at the core as each of its nodes opens
/// (Juno's answers are noted as she gives them, `confrontation.rs`).
fn listen(
    mut father: MessageReader<FatherSays>,
    mut people: MessageReader<PersonSays>,
    nightmare: Option<Res<NightmareLoop>>,
    dive: Option<Res<ActiveDive>>,
    mut transcript: ResMut<Transcript>,
    mut noted: Local<Option<(u32, String)>>,
) {
    if transcript.0.is_empty() {
        *noted = None; // a new dive: its talk is noted afresh
    }
    let loop_number = nightmare.as_ref().map_or(1, |n| n.number());
    for FatherSays(line) in father.read() {
        transcript.note("Father", line, loop_number);
    }
    for said in people.read() {
        transcript.note(&said.name, &said.text, loop_number);
    }
    let Some(LoopState::Confronting { node }) = nightmare.as_ref().map(|n| &n.state) else {
        return;
    };
    let here = (loop_number, node.clone());
    if noted.as_ref() == Some(&here) {
        return;
    }
    if let Some((dive, node)) = dive
        .as_ref()
        .and_then(|d| Some((d, d.spec.dialogue.node(node)?)))
    {
        for (speaker, line) in node.lines_for(&dive.facts()) {
            transcript.note(speaker, line, loop_number);
        }
    }
    *noted = Some(here);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_kept_in_order_once_and_not_forever() {
        let mut transcript = Transcript::default();
        transcript.note("Father", "I have you.", 1);
        transcript.note("Father", "I have you.", 1);
        transcript.note("Leo", "You came.", 2);
        assert_eq!(
            transcript.0.len(),
            2,
            "a line noted twice in a row is kept once"
        );
        assert_eq!(transcript.0[1].who, "Leo");
        for n in 0..KEPT + 10 {
            transcript.note("Nyx", &format!("line {n}"), 3);
        }
        assert_eq!(transcript.0.len(), KEPT);
        assert_eq!(
            transcript.0.last().unwrap().text,
            format!("line {}", KEPT + 9)
        );
    }
}
