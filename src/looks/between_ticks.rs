//! What moves in the fixed step, drawn between ticks.
//!
//! The simulation steps at 60 Hz (`third_party::rapier::PHYSICS_HZ`); a display runs at
//! 75, 120 or 144 Hz, and a browser tab drops frames. Drawn at the last tick's place,
//! whatever moves would stand still for a frame and then jump: a judder. So each frame
//! draws Juno, the chasers, the mirror copies and the dream's people where they are
//! between the last two ticks, by the fixed clock's overstep (`bevy_transform_interpolation`).
//!
//! The simulation never sees a drawn place: before each fixed step the crate puts every
//! `Transform` back to where the last tick left it, so a replay plays tick for tick as it
//! does headless (tests/game/replays.rs plays one at 144 frames a second).
//!
//! A place set outside the fixed step (Juno put at a loop's spawn, a snapshot's camera
//! spot, a test's hand) is a jump, not a move: it is seen before the fixed step runs and
//! the easing forgotten, or the step would put her back where the last tick left her.

use bevy::prelude::*;
use bevy_transform_interpolation::interpolation::{
    TransformInterpolation, TransformInterpolationPlugin,
};
use bevy_transform_interpolation::reset_easing_states_on_transform_change;

use crate::dive::DreamPerson;
use crate::dive::hazards::{Chaser, MirrorCopy};
use crate::juno::Juno;

pub(super) fn plugin(app: &mut App) {
    app.add_plugins(TransformInterpolationPlugin::default())
        // The crate looks for jumps only after the fixed step, by when the step's first
        // act (putting back the last tick's place) has undone them.
        .add_systems(
            RunFixedMainLoop,
            reset_easing_states_on_transform_change
                .in_set(RunFixedMainLoopSystems::BeforeFixedMainLoop),
        )
        .add_observer(ease::<Juno>)
        .add_observer(ease::<Chaser>)
        .add_observer(ease::<MirrorCopy>)
        .add_observer(ease::<DreamPerson>);
}

/// Whatever gains a `C` is drawn between ticks.
fn ease<C: Component>(add: On<Add, C>, mut commands: Commands) {
    commands.entity(add.entity).insert(TransformInterpolation);
}
