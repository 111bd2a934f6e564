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
//! The rest of her body is as the last tick left it, not as it was drawn: her turn, mid
//! way between two ticks when she was put, would otherwise become the simulation's.

use bevy::ecs::system::SystemChangeTick;
use bevy::prelude::*;
use bevy_transform_interpolation::interpolation::{
    TransformInterpolation, TransformInterpolationPlugin,
};
use bevy_transform_interpolation::{
    LastEasingTick, RotationEasingState, ScaleEasingState, TranslationEasingState,
    reset_easing_states_on_transform_change,
};

use crate::dive::DreamPerson;
use crate::dive::hazards::{Chaser, MirrorCopy};
use crate::juno::Juno;

pub(super) fn plugin(app: &mut App) {
    app.add_plugins(TransformInterpolationPlugin::default())
        // The crate looks for jumps only after the fixed step (or anywhere before its
        // easing: in no set), by when the step's first act (putting back the last
        // tick's place) may have undone them; and it forgets a drawn turn with them.
        .add_systems(
            RunFixedMainLoop,
            forget_jumps
                .in_set(RunFixedMainLoopSystems::BeforeFixedMainLoop)
                .before(reset_easing_states_on_transform_change),
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

/// A place set since the last frame was drawn, away from both ends of the tick's move:
/// a jump. The body's turn and size go back to the last tick's (what was drawn of them
/// is nobody's), and nothing of it is eased until the next tick.
fn forget_jumps(
    mut moved: Query<
        (
            &mut Transform,
            &mut TranslationEasingState,
            &mut RotationEasingState,
            &mut ScaleEasingState,
        ),
        Changed<Transform>,
    >,
    last_easing: Res<LastEasingTick>,
    tick: SystemChangeTick,
) {
    for (mut transform, mut translation, mut rotation, mut scale) in &mut moved {
        if !transform
            .last_changed()
            .is_newer_than(**last_easing, tick.this_run())
        {
            continue;
        }
        let (Some(start), Some(end)) = (translation.start, translation.end) else {
            continue;
        };
        if transform.translation == start || transform.translation == end {
            continue;
        }
        if let Some(end) = rotation.end {
            transform.rotation = end;
        }
        if let Some(end) = scale.end {
            transform.scale = end;
        }
        *translation = TranslationEasingState::default();
        *rotation = RotationEasingState::default();
        *scale = ScaleEasingState::default();
    }
}
