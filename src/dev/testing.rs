//! Helpers for tests of the real App, headless ([`crate::headless`]): stepping it, diving
//! in, ending loops, pressing keys, counting entities, moving Juno by hand. Compiled only
//! with the `dev` feature.

use std::path::PathBuf;
use std::time::Duration;

use bevy::input::ButtonState;
use bevy::input::keyboard::{Key, KeyboardInput};
use bevy::prelude::*;

pub use crate::headless::FRAME_SECONDS;

use crate::campaign::Desk;
use crate::dive::{ActiveDive, CurrentDream, NightmareLoop};
use crate::dream::{
    DreamRecipe, FearTag, FearWeight, HazardKind, MAX_MUTATIONS, Mood, TerrainSize, Tuning,
};
use crate::juno::Juno;
use crate::levels::{self, DiveSpec, Levels};
use crate::state::{AppState, DreamPhase};

/// The game without window or renderer, advancing [`FRAME_SECONDS`] per update, with
/// level files loaded from the repository's `levels/`.
pub fn headless_app() -> App {
    headless_app_with_mods(&[])
}

/// [`headless_app`] with the mod folders `mods` loaded after the base game (as
/// `--mod PATH` does). Level files are watched: editing one reloads it.
pub fn headless_app_with_mods(mods: &[PathBuf]) -> App {
    let mut app = crate::headless::app(mods);
    crate::headless::ready(&mut app);
    app
}

/// [`headless_app`] with the dream's looks too (meshes and materials, no renderer):
/// for counting what a loop leaves behind.
pub fn headless_app_with_looks() -> App {
    let mut app = crate::headless::app(&[]);
    app.init_asset::<Image>()
        .init_asset::<StandardMaterial>()
        .init_resource::<GlobalAmbientLight>()
        .add_plugins(crate::looks::dream_looks_plugin);
    crate::headless::ready(&mut app);
    app
}

/// [`headless_app`] with the camera that follows Juno (no renderer): for where it stands.
pub fn headless_app_with_camera() -> App {
    let mut app = crate::headless::app(&[]);
    app.add_plugins(crate::looks::camera_plugin);
    crate::headless::ready(&mut app);
    app
}

/// [`headless_app`] drawing what moves in the fixed step between ticks, as a window
/// does, `frames_per_second` updates a second (not a tick each): for replays played at a
/// display's rate and for where Juno is drawn between ticks.
pub fn headless_app_between_ticks(frames_per_second: f64) -> App {
    let mut app = crate::headless::app(&[]);
    app.add_plugins(crate::looks::between_ticks_plugin)
        .insert_resource(bevy::time::TimeUpdateStrategy::ManualDuration(
            Duration::from_secs_f64(1.0 / frames_per_second),
        ));
    crate::headless::ready(&mut app);
    app
}

/// How far the camera of [`headless_app_with_camera`] stands from the point over Juno
/// it follows.
pub fn camera_behind_juno(app: &mut App) -> f32 {
    let world = app.world_mut();
    let juno = world
        .query_filtered::<&Transform, With<Juno>>()
        .single(world)
        .expect("Juno")
        .translation;
    let camera = world
        .query_filtered::<&Transform, With<crate::looks::GameCamera>>()
        .single(world)
        .expect("the camera")
        .translation;
    let height = world.resource::<crate::juno::JunoTuning>().camera_height;
    camera.distance(juno + Vec3::Y * height)
}

/// The samples a pixel the camera of [`headless_app_with_camera`] draws with.
pub fn camera_samples(app: &mut App) -> Msaa {
    let world = app.world_mut();
    *world
        .query_filtered::<&Msaa, With<crate::looks::GameCamera>>()
        .single(world)
        .expect("the camera, with its samples")
}

/// [`headless_app`] with the figures' skeletons and animation (no meshes): for the feet.
pub fn headless_app_with_figures() -> App {
    let mut app = crate::headless::app(&[]);
    app.add_plugins(crate::looks::figures_plugin);
    crate::headless::ready(&mut app);
    app
}

/// What a foot of Juno's at `at` stands on: the terrain, or a prop's top.
pub fn surface_under(app: &mut App, at: Vec3) -> f32 {
    use bevy::ecs::system::RunSystemOnce;
    use bevy_rapier3d::prelude::ReadRapierContext;
    app.world_mut()
        .run_system_once(
            move |physics: ReadRapierContext,
                  dream: Res<crate::world::CurrentDream>,
                  juno: Single<Entity, With<Juno>>| {
                let terrain = dream.heightfield.height_at(at.xz());
                crate::looks::figure::surface(physics.single().ok().as_ref(), terrain, at, *juno)
            },
        )
        .expect("a dream with Juno in it")
}

/// Juno's feet: where each sole is (the point under the ankle, in the world) and
/// whether the animation plants it on the ground. `None` before her figure stands.
pub fn juno_soles(app: &mut App) -> Option<[(Vec3, bool); 2]> {
    use crate::looks::figure::{FigureRig, Joint};
    let world = app.world_mut();
    let juno = world
        .query_filtered::<Entity, With<Juno>>()
        .single(world)
        .ok()?;
    let rig = world
        .query::<&FigureRig>()
        .iter(world)
        .find(|rig| rig.body == juno)?
        .clone();
    let sole = |joint: Joint| {
        let at = world
            .get::<GlobalTransform>(rig.joint(joint))?
            .translation();
        Some(at - Vec3::Y * rig.dims.ankle)
    };
    Some([
        (sole(Joint::AnkleL)?, rig.gait.planted[0]),
        (sole(Joint::AnkleR)?, rig.gait.planted[1]),
    ])
}

/// A dream shipped in the repository's `levels/`, with its dreamer and dialogue, read
/// and checked (no mods).
///
/// # Panics
/// If the levels have any problem or lack the dream: the shipped levels are broken.
pub fn shipped_dive(id: &str) -> DiveSpec {
    shipped_library()
        .dive(id)
        .cloned()
        .unwrap_or_else(|| panic!("no dream {id:?} in levels/"))
}

/// The library of the repository's `levels/` (no mods), read and checked.
///
/// # Panics
/// If the levels have any problem: the shipped levels are broken.
pub fn shipped_library() -> levels::Library {
    let root = levels::data_root();
    let assembly = levels::disk::load(&root.join("levels"), &[], &root);
    let errors: Vec<String> = assembly.errors.iter().map(ToString::to_string).collect();
    assert!(
        errors.is_empty(),
        "the shipped levels have problems:\n{}",
        errors.join("\n")
    );
    assembly.library
}

/// Steps `app` until `done` holds, at most `max_frames` times. Returns the frames taken.
///
/// # Panics
/// If `done` never holds: the test waiting on it has failed.
pub fn run_until(app: &mut App, max_frames: u32, mut done: impl FnMut(&mut World) -> bool) -> u32 {
    for frame in 0..max_frames {
        app.update();
        if done(app.world_mut()) {
            return frame + 1;
        }
    }
    panic!("condition not reached in {max_frames} frames");
}

/// A headless game that has just sat down at the control room for a new game (its desk
/// built, the control room's screen on).
pub fn seated_app() -> App {
    let mut app = headless_app();
    let on = |state: AppState| move |w: &mut World| *w.resource::<State<AppState>>().get() == state;
    run_until(&mut app, 2_000, on(AppState::Title));
    app.world_mut()
        .resource_mut::<NextState<AppState>>()
        .set(AppState::ControlRoom);
    run_until(&mut app, 2_000, |w| {
        w.get_resource::<crate::campaign::ControlRoom>().is_some()
    });
    run_until(&mut app, 10, on(AppState::ControlRoom));
    app.update();
    app
}

/// Where Juno's centre is when she stands at `xz` on the dream's ground.
pub fn standing_at(app: &App, xz: Vec2) -> Vec3 {
    let ground = app
        .world()
        .resource::<CurrentDream>()
        .heightfield
        .height_at(xz);
    Vec3::new(xz.x, ground + crate::juno::JUNO_CENTRE_HEIGHT + 0.05, xz.y)
}

/// In a dive under way: understands every anchor, forms a fresh loop (no veil), and
/// walks Juno up to the dreamer until the talk at the core begins.
pub fn step_up_to_the_core(app: &mut App) {
    let all = app
        .world()
        .resource::<ActiveDive>()
        .spec
        .dream
        .anchors
        .len();
    app.world_mut().resource_mut::<ActiveDive>().understood = (0..all).collect();
    end_loop(app);
    let core = app.world().resource::<CurrentDream>().core.position;
    let juno = standing_at(app, core.xz() + Vec2::new(1.6, 0.0));
    move_juno_to(app, juno);
    run_until(app, 60, |w| {
        matches!(
            w.resource::<NightmareLoop>().state,
            crate::dive::LoopState::Confronting { .. }
        )
    });
}

/// How a player holds the link's phase steady with the arrow keys: a full push against
/// an error past 0.05 either way, none inside it.
pub fn steadying_push(error: f32) -> f32 {
    if error > 0.05 {
        -1.0
    } else if error < -0.05 {
        1.0
    } else {
        0.0
    }
}

/// Answers the talk at the core with choice `index` (of the node's written answers) and
/// steps until it is taken.
pub fn answer(app: &mut App, index: usize) {
    app.world_mut()
        .resource_mut::<crate::dive::PendingAnswer>()
        .0 = Some(index);
    app.update();
    app.update();
}

/// The node the talk at the core is at, or the loop's state when there is no talk.
pub fn talk_node(app: &App) -> String {
    match &app.world().resource::<NightmareLoop>().state {
        crate::dive::LoopState::Confronting { node } => node.clone(),
        other => format!("{other:?}"),
    }
}

/// After New game: through the campaign's prologue (its scene read to the end, its dream
/// woken from as a player may, from the pause menu) to the desk, and through the scene
/// the first night opens on.
pub fn past_the_prologue(app: &mut App) {
    // A desk from before stays until the new game begins: wait for the screen to change.
    run_until(app, 2_000, |w| {
        let state = *w.resource::<State<AppState>>().get();
        matches!(state, AppState::Dream | AppState::Scene)
            || (state == AppState::ControlRoom
                && w.get_resource::<crate::campaign::ControlRoom>().is_some())
    });
    if *app.world().resource::<State<AppState>>().get() == AppState::Scene {
        through_the_scene(app, |_| 0);
    }
    if *app.world().resource::<State<AppState>>().get() == AppState::Dream {
        wait_for_exploring(app);
        app.world_mut()
            .resource_mut::<NextState<AppState>>()
            .set(AppState::ControlRoom);
    }
    run_until(app, 2_000, |w| {
        w.get_resource::<crate::campaign::ControlRoom>().is_some()
    });
    through_due_scenes(app);
}

/// At the desk: plays through the scenes due as Juno sits down (the first night opens
/// on Priya's handover), answering the first answer offered, until the desk shows again.
pub fn through_due_scenes(app: &mut App) {
    let on = |state: AppState| move |w: &mut World| *w.resource::<State<AppState>>().get() == state;
    for _ in 0..100 {
        let due = {
            let world = app.world();
            let story = &world.resource::<Levels>().library.story;
            world
                .get_resource::<crate::campaign::ControlRoom>()
                .and_then(|room| room.0.due_scene(story))
                .is_some()
        };
        if !due && on(AppState::ControlRoom)(app.world_mut()) {
            return;
        }
        app.update();
        if on(AppState::Scene)(app.world_mut()) {
            through_the_scene(app, |_| 0);
            run_until(app, 10, on(AppState::ControlRoom));
        }
    }
    panic!("a scene due at the desk did not begin in 100 frames");
}

/// Plays the scene on screen to its end as a player would, a line at a time, answering
/// `pick(panel)` (an index among the answers offered) at each choice. Returns the
/// answers given, by written index.
pub fn through_the_scene(app: &mut App, mut pick: impl FnMut(usize) -> usize) -> Vec<usize> {
    use crate::campaign::{PlayingScene, SceneRequest};
    let mut given = Vec::new();
    for _ in 0..2_000 {
        app.update();
        let world = app.world();
        if *world.resource::<State<AppState>>().get() != AppState::Scene {
            return given;
        }
        let Some(playing) = world.get_resource::<PlayingScene>() else {
            continue;
        };
        let levels = world.resource::<Levels>();
        let scene = &levels.library.scenes[&playing.id].value;
        let facts = crate::levels::Facts::waking(&playing.story);
        let options: Vec<usize> = scene
            .options(&playing.at, &facts)
            .iter()
            .map(|(i, _)| *i)
            .collect();
        let request = if options.is_empty() {
            SceneRequest::Next
        } else {
            let written = options[pick(playing.at.panel).min(options.len() - 1)];
            given.push(written);
            SceneRequest::Choose(written)
        };
        app.world_mut().write_message(request);
    }
    panic!("the scene did not end in 2,000 frames");
}

/// Waits for the levels to load (if they are loading), dives into dream `dream_id` and
/// steps until its first loop is being explored.
pub fn dive_into(app: &mut App, dream_id: &str) -> DiveSpec {
    run_until(app, 2_000, |w| {
        *w.resource::<State<AppState>>().get() != AppState::Loading
    });
    let spec = app
        .world()
        .resource::<Levels>()
        .library
        .dive(dream_id)
        .cloned()
        .unwrap_or_else(|| panic!("no playable dream {dream_id} in levels/"));
    dive_into_spec(app, spec.clone());
    spec
}

/// Dives into `spec` (a stranger's, or any made outside the library) and steps until
/// its first loop is explored.
pub fn dive_into_spec(app: &mut App, spec: DiveSpec) {
    dive_into_active(app, ActiveDive::new(spec));
}

/// Begins `dive` as it is (a stranger's with its key, a later loop…) and steps until its
/// loop is explored.
pub fn dive_into_active(app: &mut App, dive: ActiveDive) {
    run_until(app, 2_000, |w| {
        *w.resource::<State<AppState>>().get() != AppState::Loading
    });
    app.insert_resource(dive);
    app.world_mut()
        .resource_mut::<NextState<AppState>>()
        .set(AppState::Dream);
    wait_for_exploring(app);
}

/// Runs the desk's network on into the overload's night, half an hour at a time for at
/// most a day, until `count` strangers are in loops Juno could link to; returns the first
/// `count` of them (fewer if the day ends first).
pub fn into_the_night(desk: &mut Desk, count: usize) -> Vec<usize> {
    let mut looping = Vec::new();
    for _ in 0..48 {
        desk.network.run(30);
        looping = desk.linkable_strangers().take(count).collect();
        if looping.len() == count {
            break;
        }
    }
    looping
}

/// Steps until the dream is being explored (the current loop is formed).
pub fn wait_for_exploring(app: &mut App) -> u32 {
    // Generation runs on other threads: give them real time between frames.
    run_until(app, 20_000, |w| {
        let exploring = w
            .get_resource::<State<DreamPhase>>()
            .is_some_and(|p| *p.get() == DreamPhase::Exploring);
        if !exploring {
            std::thread::sleep(Duration::from_millis(1));
        }
        exploring
    })
}

/// Makes the loop's time run out, and steps through its collapse until the next loop
/// is being explored. Returns the frames that took.
pub fn end_loop(app: &mut App) -> u32 {
    let ended = {
        let mut nightmare = app.world_mut().resource_mut::<NightmareLoop>();
        let length = nightmare.timer.duration();
        nightmare.timer.set_elapsed(length);
        nightmare.index
    };
    run_until(app, 20_000, |w| {
        let next = w
            .get_resource::<NightmareLoop>()
            .is_some_and(|n| n.index > ended && n.is_running());
        let exploring = w
            .get_resource::<State<DreamPhase>>()
            .is_some_and(|p| *p.get() == DreamPhase::Exploring);
        if !next {
            std::thread::sleep(Duration::from_micros(200));
        }
        next && exploring
    })
}

/// Turns Juno's view (and so the way she walks) as `turn` says.
///
/// # Panics
/// If there is no Juno.
pub fn turn_juno(app: &mut App, turn: impl FnOnce(&mut crate::juno::LookAngles)) {
    let world = app.world_mut();
    let mut look = world
        .query_filtered::<&mut crate::juno::LookAngles, With<Juno>>()
        .single_mut(world)
        .expect("Juno exists");
    turn(&mut look);
}

/// Sends a key press or release, as the window would.
pub fn send_key(app: &mut App, key_code: KeyCode, logical_key: Key, state: ButtonState) {
    app.world_mut().write_message(KeyboardInput {
        key_code,
        logical_key,
        state,
        text: None,
        repeat: false,
        window: Entity::PLACEHOLDER,
    });
}

/// Plugs in a gamepad (of the maker `vendor`, a USB vendor id), as the gamepad library
/// would; returns its entity. The pad's buttons and sticks: [`pad_button`], [`pad_axis`].
pub fn connect_pad(app: &mut App, vendor: Option<u16>) -> Entity {
    use bevy::input::gamepad::{GamepadConnection, GamepadConnectionEvent};
    let pad = app.world_mut().spawn_empty().id();
    app.world_mut().write_message(GamepadConnectionEvent::new(
        pad,
        GamepadConnection::Connected {
            name: "Test pad".to_owned(),
            vendor_id: vendor,
            product_id: None,
        },
    ));
    app.update();
    pad
}

/// A gamepad's button moves to `value` (0 released, 1 pressed all the way).
pub fn pad_button(app: &mut App, pad: Entity, button: GamepadButton, value: f32) {
    use bevy::input::gamepad::{RawGamepadButtonChangedEvent, RawGamepadEvent};
    app.world_mut()
        .write_message(RawGamepadEvent::Button(RawGamepadButtonChangedEvent::new(
            pad, button, value,
        )));
}

/// A gamepad's stick axis moves to `value` (-1 to 1).
pub fn pad_axis(app: &mut App, pad: Entity, axis: GamepadAxis, value: f32) {
    use bevy::input::gamepad::{RawGamepadAxisChangedEvent, RawGamepadEvent};
    app.world_mut()
        .write_message(RawGamepadEvent::Axis(RawGamepadAxisChangedEvent::new(
            pad, axis, value,
        )));
}

/// Entities in the world, not counting resources (which are entities too).
pub fn entity_count(app: &mut App) -> usize {
    app.world_mut()
        .query_filtered::<Entity, Without<bevy::ecs::resource::IsResource>>()
        .iter(app.world())
        .count()
}

/// Entities of the current loop: everything [`crate::dive::LoopScoped`] and its
/// children.
pub fn loop_entity_count(app: &mut App) -> usize {
    let mut stack: Vec<Entity> = app
        .world_mut()
        .query_filtered::<Entity, With<crate::dive::LoopScoped>>()
        .iter(app.world())
        .collect();
    let mut count = 0;
    while let Some(entity) = stack.pop() {
        count += 1;
        if let Some(children) = app.world().get::<Children>(entity) {
            stack.extend(children.iter());
        }
    }
    count
}

/// Where Juno is.
///
/// # Panics
/// If there is no Juno (or more than one).
pub fn juno_position(app: &mut App) -> Vec3 {
    let world = app.world_mut();
    world
        .query_filtered::<&Transform, With<Juno>>()
        .single(world)
        .expect("exactly one Juno")
        .translation
}

/// Puts Juno at `position` (centre of her body), as a test's hand of god.
pub fn move_juno_to(app: &mut App, position: Vec3) {
    let world = app.world_mut();
    let mut transform = world
        .query_filtered::<&mut Transform, With<Juno>>()
        .single_mut(world)
        .expect("exactly one Juno");
    transform.translation = position;
}

/// One end or the other of a range, by a bit of the seed.
fn range_end<T: Copy>(range: &std::ops::RangeInclusive<T>, high: bool) -> T {
    if high { *range.end() } else { *range.start() }
}

/// A dream at the edge of what a dream file may ask: the ground as coarse and wide as
/// its samples allow, props and hazards at their most, every other tuning field at the
/// end of its range the seed's bits pick, the fears weighted by the seed, the loop
/// first, fifth or past the last mutation, sometimes gentle.
pub fn hostile_recipe(samples: usize, seed: u64) -> DreamRecipe {
    let bit = |k: u32| (seed >> k) & 1 == 1;
    let size = TerrainSize {
        samples,
        extent: (samples - 1) as f32 * 4.0,
    };
    assert!(size.check().is_ok(), "{samples}: {:?}", size.check());
    let tuning = Tuning {
        height: Some(range_end(&Tuning::HEIGHT, bit(0))),
        scale: Some(range_end(&Tuning::SCALE, bit(1))),
        warp: Some(range_end(&Tuning::WARP, bit(2))),
        water: Some(range_end(&Tuning::WATER, bit(3))),
        fog: Some(range_end(&Tuning::FOG, bit(4))),
        props: Some(*Tuning::PROPS.end()),
        hazards: Some(*Tuning::HAZARDS.end()),
        hazard_kinds: if bit(5) {
            HazardKind::ALL.to_vec()
        } else {
            Vec::new()
        },
    };
    assert!(tuning.problems().is_empty(), "{:?}", tuning.problems());
    let fears: Vec<FearWeight> = FearTag::ALL
        .iter()
        .enumerate()
        .map(|(i, &tag)| FearWeight {
            tag,
            weight: 1.0 + ((seed as usize + i * 7) % 9) as f32,
        })
        .collect();
    let loop_index = [0, 4, MAX_MUTATIONS + 5][(seed % 3) as usize];
    let mood = if seed % 7 == 6 {
        Mood::Gentle
    } else {
        Mood::Nightmare
    };
    DreamRecipe::blended(
        &[(1.0, &fears)],
        seed.wrapping_mul(0x9E37_79B9),
        loop_index,
        size,
        &tuning,
        mood,
    )
}
