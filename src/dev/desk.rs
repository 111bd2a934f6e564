//! The control room's pictures for the tour (`--tour DIR --control-room`): the desk
//! brought to each moment of the story through the same calls its panels make.

use crate::campaign::design::DesignRun;
use crate::campaign::{Desk, Panel};
use crate::levels::Library;
use crate::levels::story::Action;
use crate::network::analysis::Query;
use crate::network::{Cohort, Measure, Param};
use crate::settings::Palette;

/// A picture of the control room, staged as the story would have it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DeskView {
    Overview,
    Sleeper,
    Inspector,
    Inbox,
    Confrontation,
    Overload,
    /// The overload's map and Leo's charts (trapped in his loop by then) in the
    /// colour-blind safe palette.
    ColourBlindSafe,
    Console,
    /// That night: a stranger in a loop on the map, who they are, linked to.
    Stranger,
    Alternative,
    /// A dive started from the console, the link held and its channel shown.
    Dive,
}

impl DeskView {
    pub const ALL: [DeskView; 11] = [
        DeskView::Overview,
        DeskView::Sleeper,
        DeskView::Inspector,
        DeskView::Inbox,
        DeskView::Confrontation,
        DeskView::Overload,
        DeskView::ColourBlindSafe,
        DeskView::Console,
        DeskView::Stranger,
        DeskView::Alternative,
        DeskView::Dive,
    ];

    /// How its picture is named: `control-room-NAME.png`.
    pub fn name(self) -> &'static str {
        match self {
            DeskView::Overview => "overview",
            DeskView::Sleeper => "sleeper",
            DeskView::Inspector => "inspector",
            DeskView::Inbox => "inbox",
            DeskView::Confrontation => "confrontation",
            DeskView::Overload => "overload",
            DeskView::ColourBlindSafe => "colour-blind-safe",
            DeskView::Console => "console",
            DeskView::Stranger => "stranger",
            DeskView::Alternative => "alternative",
            DeskView::Dive => "dive",
        }
    }

    /// The palette it is pictured in.
    pub fn palette(self) -> Palette {
        match self {
            DeskView::ColourBlindSafe => Palette::ColourBlindSafe,
            _ => Palette::Standard,
        }
    }

    /// Brings the desk to this picture's moment. The dives it calibrates and frees are
    /// the campaign's, in order.
    pub fn stage(self, desk: &mut Desk, library: &Library) {
        let story = &library.story;
        desk.paused = true;
        // The waking scenes would take the screen from the desk: taken as seen.
        for cue in &story.scenes {
            desk.scenes_seen.insert(cue.scene.clone());
        }
        let found = |desk: &mut Desk| {
            desk.query = Query {
                param: Param::Continuity,
                measure: Measure::Valence,
                cohort: Cohort::All,
                lag: 10,
                window: 1440,
            };
            desk.analyse();
            desk.pin(story);
        };
        match self {
            DeskView::Overview => desk.open = [Panel::Overview, Panel::Inbox].into(),
            DeskView::Sleeper => {
                desk.selected = 0;
                desk.open = [Panel::Overview, Panel::Sleeper].into();
            }
            DeskView::Inspector => {
                desk.query.param = Param::LinkGain;
                desk.query.measure = Measure::Arousal;
                desk.analyse();
                desk.pin(story);
                found(desk);
                desk.open = [Panel::Overview, Panel::Algorithm].into();
            }
            DeskView::Inbox => {
                desk.open_message = story
                    .messages
                    .iter()
                    .position(|m| m.action == Some(Action::Confront));
                desk.read.extend(desk.open_message);
                desk.open = [Panel::Overview, Panel::Inbox].into();
            }
            DeskView::Confrontation => {
                desk.act(Action::Confront, story);
                desk.next_line(story);
            }
            DeskView::Overload => {
                while desk.confrontation.is_some() {
                    desk.next_line(story);
                }
                desk.network.run(150);
                desk.open = [Panel::Overview, Panel::Inbox].into();
            }
            DeskView::ColourBlindSafe => {
                desk.selected = 0;
                desk.open = [Panel::Overview, Panel::Sleeper].into();
            }
            DeskView::Console => {
                desk.open = [Panel::Overview, Panel::Console].into();
                // The first of the campaign's dreamers the console can dive for.
                if let Some(id) = library.campaign.iter().find(|id| desk.can_dive(id)) {
                    desk.calibrate(id);
                }
                if let Some(c) = &mut desk.console.calibration {
                    for _ in 0..200 {
                        let push = (-2.5 * c.error - 0.8 * c.velocity()).clamp(-1.0, 1.0);
                        c.step(1.0 / 60.0, push);
                    }
                }
            }
            DeskView::Stranger => {
                // On into the night, until the loops have spread.
                if let Some(&n) = crate::dev::testing::into_the_night(desk, 1).first() {
                    desk.selected = n;
                    desk.link_stranger(n);
                }
                desk.open = [Panel::Overview, Panel::Sleeper].into();
            }
            // Staged by the autopilot itself: it starts the dive.
            DeskView::Dive => {}
            DeskView::Alternative => {
                for id in &library.campaign {
                    desk.freed(id, story);
                }
                desk.run_design();
                if let Some(run) = &mut desk.design.run {
                    run.advance(DesignRun::total_minutes());
                }
                // Not adopted: the run's figures and Father's talk over them, with the
                // button that ends the story (adopting would begin the ending's scenes).
                desk.open = [Panel::Alternative].into();
            }
        }
    }
}
