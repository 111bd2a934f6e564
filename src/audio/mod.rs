//! What the player hears: the theme at the title; the network's hum in the control room,
//! its alarm at the overload and a chime for each message; in a dream, each loop's drone
//! (its pitch from the dream, its unease from the loop's hostility), Juno's footsteps on
//! what she walks on, a chime for a memory anchor and a rush for a loop collapsing. All
//! synthesised (`synth.rs`); volumes from the player's settings.
//!
//! In the browser, sound starts with the player's first click or key (browsers keep audio
//! suspended until then; `web/index.html` resumes it).

pub mod synth;

use bevy::audio::{AddAudioSource, AudioSink, AudioSinkPlayback, PlaybackMode, Volume};
use bevy::prelude::*;

pub use synth::{Ground, Synth};

use crate::campaign::ControlRoom;
use crate::dive::{
    AnchorFound, CoreOpened, CurrentDream, DreamerFreed, LoopCollapsed, Lucidity, loop_running,
};
use crate::juno::{JUNO_CENTRE_HEIGHT, Juno};
use crate::levels::story::StoryFlag;
use crate::looks::figure::FigureRig;
use crate::settings::SoundSettings;
use crate::state::{AppState, Pause};

/// Which volume setting a sound answers to.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq)]
pub enum SoundKind {
    Ambience,
    Effect,
    Music,
}

impl SoundKind {
    /// The volume this kind of sound plays at under `settings`.
    pub fn volume(self, settings: &SoundSettings) -> f32 {
        let kind = match self {
            SoundKind::Ambience => settings.ambience,
            SoundKind::Effect => settings.effects,
            SoundKind::Music => settings.music,
        };
        settings.master * kind
    }
}

/// A sound that means something, in words, as it starts to play (shown when the player
/// asked for captions: `hud/captions.rs`).
#[derive(Message, Debug, Clone, Copy, PartialEq, Eq)]
pub struct SoundCaption(pub &'static str);

/// A loop's drone, fading in with its loop; the previous loop's fades out.
#[derive(Component, Debug)]
pub struct Drone;

/// A sound played below its kind's volume (a footstep), by this factor.
#[derive(Component, Debug, Clone, Copy)]
struct Quieter(f32);

/// The title's theme, playing while the title is up.
#[derive(Component, Debug)]
pub struct Theme;

/// What the control room's sounds have heard of the desk: set on the first frame at the
/// desk (a game loaded already overloaded, with its messages, sounds no alarm or chime)
/// and forgotten on leaving it.
#[derive(Resource, Debug, Default)]
struct DeskHeard {
    overloaded: Option<bool>,
    messages: Option<usize>,
}

/// The overload's alarm.
#[derive(Component, Debug)]
pub struct Alarm;

/// The control room's hum; `true` once the network has overloaded.
#[derive(Component, Debug)]
pub struct Hum(bool);

/// A sound on its way out: its volume falls to nothing over the seconds left.
#[derive(Component, Debug)]
struct FadingOut {
    seconds: f32,
    left: f32,
}

/// A sound that ends: despawned after its length even where no audio device plays it
/// (where Bevy's own despawn-on-finish never happens).
#[derive(Component, Debug)]
struct Lifetime(Timer);

/// Seconds a drone takes to fade out when its loop ends or the dream is left.
const DRONE_FADE_SECONDS: f32 = 1.5;

/// The sounds that are always the same, synthesised once at start-up: each play reuses
/// them (only a loop's drone is made for its loop).
#[derive(Resource)]
struct SoundBank {
    /// A chime for each of four notes: anchors ring up a major arpeggio.
    chimes: [Handle<Synth>; 4],
    collapse: Handle<Synth>,
    hurt: Handle<Synth>,
    opened: Handle<Synth>,
    freed: Handle<Synth>,
    alarm: Handle<Synth>,
    message: Handle<Synth>,
    /// Three of each kind of step, so walking does not repeat one sound.
    steps: [[Handle<Synth>; 3]; 3],
}

/// Seconds the overload's alarm sounds.
const ALARM_SECONDS: f32 = 9.0;
/// How loud a footstep is against the other effects.
const STEP_VOLUME: f32 = 0.45;

/// Seconds between the thuds of a hazard wearing Juno down.
const HURT_EVERY_SECONDS: f32 = 0.8;

/// Sound. Part of [`crate::ClientPlugin`]; needs Bevy's `AudioPlugin`.
pub fn plugin(app: &mut App) {
    app.add_audio_source::<Synth>()
        .add_message::<SoundCaption>()
        .add_systems(Startup, make_sound_bank)
        .add_systems(
            Update,
            (
                loop_drone.run_if(resource_exists_and_changed::<CurrentDream>),
                (
                    anchor_chime,
                    collapse_rush,
                    // At the core and once free nothing hurts her.
                    hurt_thud.run_if(loop_running),
                    core_and_freedom,
                    footsteps,
                ),
            )
                .in_set(crate::AppSystems::Update)
                .run_if(in_state(AppState::Dream)),
        )
        .add_systems(OnExit(AppState::Dream), fade_away::<Drone>)
        .add_systems(OnEnter(AppState::Title), play_theme)
        .add_systems(OnExit(AppState::Title), fade_away::<Theme>)
        .add_systems(
            OnExit(AppState::ControlRoom),
            (fade_away::<Hum>, |mut heard: ResMut<DeskHeard>| {
                *heard = DeskHeard::default()
            }),
        )
        .init_resource::<DeskHeard>()
        .add_systems(
            Update,
            (network_hum, overload_alarm, message_chime)
                .run_if(in_state(AppState::ControlRoom))
                .run_if(resource_exists::<ControlRoom>),
        )
        .add_systems(
            Update,
            (
                fade_out,
                end_lifetimes,
                follow_volume_settings.run_if(resource_changed::<SoundSettings>),
            ),
        )
        .add_systems(OnEnter(Pause::Paused), pause_sounds::<true>)
        .add_systems(OnExit(Pause::Paused), pause_sounds::<false>);
}

/// A loop's drone pitch, from the dream's terrain seed: one of twelve semitones from A1
/// (55 Hz) up, so every dream has its own key and a dream keeps it from loop to loop.
pub fn drone_root(terrain_seed: u32) -> f32 {
    let semitone = (terrain_seed.wrapping_mul(2_654_435_761) >> 24) % 12;
    55.0 * 2f32.powf(semitone as f32 / 12.0)
}

fn make_sound_bank(mut commands: Commands, mut synths: ResMut<Assets<Synth>>) {
    let chime = |synths: &mut Assets<Synth>, step: f32| {
        synths.add(Synth::chime(523.25 * 2f32.powf(step / 12.0)))
    };
    commands.insert_resource(SoundBank {
        chimes: [
            chime(&mut synths, 0.0),
            chime(&mut synths, 4.0),
            chime(&mut synths, 7.0),
            chime(&mut synths, 12.0),
        ],
        collapse: synths.add(Synth::collapse()),
        hurt: synths.add(Synth::hurt()),
        opened: synths.add(Synth::chord(392.0, 2.4)),
        freed: synths.add(Synth::chord(261.63, 5.0)),
        alarm: synths.add(Synth::alarm(ALARM_SECONDS)),
        message: synths.add(Synth::message()),
        steps: [Ground::Soft, Ground::Hard, Ground::Wet]
            .map(|ground| [1, 2, 3].map(|seed| synths.add(Synth::step(ground, seed)))),
    });
}

/// Plays `handle` once, as a sound of `kind`.
fn play_sound(
    commands: &mut Commands,
    synths: &Assets<Synth>,
    handle: &Handle<Synth>,
    kind: SoundKind,
    settings: &SoundSettings,
) -> Entity {
    play_sound_quieter(commands, synths, handle, kind, settings, 1.0)
}

/// [`play_sound`] at `scale` of its kind's volume (a footstep).
fn play_sound_quieter(
    commands: &mut Commands,
    synths: &Assets<Synth>,
    handle: &Handle<Synth>,
    kind: SoundKind,
    settings: &SoundSettings,
    scale: f32,
) -> Entity {
    let length = synths.get(handle).and_then(|s| s.length);
    let sound = play_handle(commands, handle.clone(), length, kind, settings, scale);
    if scale != 1.0 {
        commands.entity(sound).insert(Quieter(scale));
    }
    sound
}

/// What a sound of `kind` plays at, `quieter` or not.
fn volume_of(kind: SoundKind, quieter: Option<&Quieter>, settings: &SoundSettings) -> f32 {
    kind.volume(settings) * quieter.map_or(1.0, |q| q.0)
}

fn play(
    commands: &mut Commands,
    synths: &mut Assets<Synth>,
    synth: Synth,
    kind: SoundKind,
    settings: &SoundSettings,
) -> Entity {
    let length = synth.length;
    play_handle(commands, synths.add(synth), length, kind, settings, 1.0)
}

fn play_handle(
    commands: &mut Commands,
    handle: Handle<Synth>,
    length: Option<f32>,
    kind: SoundKind,
    settings: &SoundSettings,
    scale: f32,
) -> Entity {
    let mut sound = commands.spawn((
        Name::new("Sound"),
        kind,
        AudioPlayer(handle),
        PlaybackSettings {
            // `Loop` would buffer a sound that never ends; an endless drone plays `Once`.
            mode: if length.is_some() {
                PlaybackMode::Despawn
            } else {
                PlaybackMode::Once
            },
            volume: Volume::Linear(kind.volume(settings) * scale),
            ..default()
        },
    ));
    if let Some(seconds) = length {
        sound.insert(Lifetime(Timer::from_seconds(
            seconds + 0.5,
            TimerMode::Once,
        )));
    }
    sound.id()
}

/// Each new loop (and a re-formed one) gets its own drone; the last one fades away.
fn loop_drone(
    dream: Res<CurrentDream>,
    drones: Query<Entity, (With<Drone>, Without<FadingOut>)>,
    settings: Res<SoundSettings>,
    mut synths: ResMut<Assets<Synth>>,
    mut commands: Commands,
) {
    for old in &drones {
        commands
            .entity(old)
            .insert(FadingOut::over(DRONE_FADE_SECONDS));
    }
    let recipe = &dream.recipe;
    let synth = Synth::drone(
        drone_root(recipe.terrain_seed),
        recipe.hostility,
        recipe.terrain_seed,
    );
    let drone = play(
        &mut commands,
        &mut synths,
        synth,
        SoundKind::Ambience,
        &settings,
    );
    commands.entity(drone).insert(Drone);
}

/// Every sound marked `M` fades away.
fn fade_away<M: Component>(
    sounds: Query<Entity, (With<M>, Without<FadingOut>)>,
    mut commands: Commands,
) {
    for sound in &sounds {
        commands
            .entity(sound)
            .insert(FadingOut::over(DRONE_FADE_SECONDS));
    }
}

/// The theme, from the start of the title screen.
fn play_theme(
    settings: Res<SoundSettings>,
    mut synths: ResMut<Assets<Synth>>,
    mut commands: Commands,
) {
    let theme = play(
        &mut commands,
        &mut synths,
        Synth::theme(),
        SoundKind::Music,
        &settings,
    );
    commands.entity(theme).insert(Theme);
}

/// The network hums while Juno is at her desk; after the overload, uneasily.
fn network_hum(
    room: Res<ControlRoom>,
    hums: Query<(Entity, &Hum), Without<FadingOut>>,
    settings: Res<SoundSettings>,
    mut synths: ResMut<Assets<Synth>>,
    mut commands: Commands,
) {
    let overloaded = room.0.flags.contains(&StoryFlag::Overload);
    if hums.iter().any(|(_, hum)| hum.0 == overloaded) {
        return;
    }
    for (old, _) in &hums {
        commands
            .entity(old)
            .insert(FadingOut::over(DRONE_FADE_SECONDS));
    }
    let unease = if overloaded { 1.0 } else { 0.0 };
    let hum = play(
        &mut commands,
        &mut synths,
        Synth::hum(unease),
        SoundKind::Ambience,
        &settings,
    );
    commands.entity(hum).insert(Hum(overloaded));
}

/// The alarm sounds as the network overloads (once; not again on coming back to a
/// network that already has).
fn overload_alarm(
    room: Res<ControlRoom>,
    settings: Res<SoundSettings>,
    bank: Res<SoundBank>,
    synths: Res<Assets<Synth>>,
    mut heard: ResMut<DeskHeard>,
    mut commands: Commands,
    mut captions: MessageWriter<SoundCaption>,
) {
    let overloaded = room.0.flags.contains(&StoryFlag::Overload);
    if heard.overloaded == Some(false) && overloaded {
        captions.write(SoundCaption("An alarm wails: the network is overloading"));
        let alarm = play_sound(
            &mut commands,
            &synths,
            &bank.alarm,
            SoundKind::Effect,
            &settings,
        );
        commands.entity(alarm).insert(Alarm);
    }
    heard.overloaded = Some(overloaded);
}

/// A chime for each message that arrives while Juno is at her desk.
fn message_chime(
    room: Res<ControlRoom>,
    settings: Res<SoundSettings>,
    bank: Res<SoundBank>,
    synths: Res<Assets<Synth>>,
    mut heard: ResMut<DeskHeard>,
    mut commands: Commands,
    mut captions: MessageWriter<SoundCaption>,
) {
    let arrived = room.0.inbox.len();
    if heard.messages.is_some_and(|n| arrived > n) {
        captions.write(SoundCaption("A chime: a message"));
        play_sound(
            &mut commands,
            &synths,
            &bank.message,
            SoundKind::Effect,
            &settings,
        );
    }
    heard.messages = Some(arrived);
}

/// Where Juno walks: the dream, her body and her figure.
#[derive(bevy::ecs::system::SystemParam)]
struct Footing<'w, 's> {
    dream: Option<Res<'w, CurrentDream>>,
    juno: Query<'w, 's, &'static Transform, With<Juno>>,
    rigs: Query<'w, 's, &'static FigureRig>,
}

/// A step each time one of Juno's feet comes down while she walks: on the dream's
/// earth, on something hard she climbed, or in shallow water.
fn footsteps(
    footing: Footing,
    settings: Res<SoundSettings>,
    bank: Res<SoundBank>,
    synths: Res<Assets<Synth>>,
    mut was: Local<[bool; 2]>,
    mut count: Local<usize>,
    mut commands: Commands,
) {
    let Footing { dream, juno, rigs } = footing;
    let (Some(dream), Ok(at)) = (dream, juno.single()) else {
        return;
    };
    let Some(rig) = rigs.iter().find(|r| juno.get(r.body).is_ok()) else {
        return;
    };
    let planted = rig.gait.planted;
    let walking = rig.motion.grounded && rig.motion.speed > 0.5;
    let feet = at.translation.y - JUNO_CENTRE_HEIGHT;
    let ground = if dream.water_level.is_some_and(|w| w > feet - 0.05) {
        Ground::Wet
    } else if feet > dream.heightfield.height_at(at.translation.xz()) + 0.15 {
        Ground::Hard
    } else {
        Ground::Soft
    };
    for k in 0..2 {
        if walking && planted[k] && !was[k] {
            *count += 1;
            let step = &bank.steps[ground as usize][*count % 3];
            play_sound_quieter(
                &mut commands,
                &synths,
                step,
                SoundKind::Effect,
                &settings,
                STEP_VOLUME,
            );
        }
    }
    *was = planted;
}

/// A chime per memory anchor, a little higher for each one found in the loop.
fn anchor_chime(
    mut found: MessageReader<AnchorFound>,
    settings: Res<SoundSettings>,
    bank: Res<SoundBank>,
    synths: Res<Assets<Synth>>,
    mut commands: Commands,
    mut captions: MessageWriter<SoundCaption>,
) {
    for anchor in found.read() {
        captions.write(SoundCaption("A bell rings: a memory"));
        let chime = &bank.chimes[anchor.index % bank.chimes.len()];
        play_sound(&mut commands, &synths, chime, SoundKind::Effect, &settings);
    }
}

fn collapse_rush(
    mut collapsed: MessageReader<LoopCollapsed>,
    settings: Res<SoundSettings>,
    bank: Res<SoundBank>,
    synths: Res<Assets<Synth>>,
    mut commands: Commands,
    mut captions: MessageWriter<SoundCaption>,
) {
    if collapsed.read().last().is_some() {
        captions.write(SoundCaption("A roaring rush: the dream falls away"));
        play_sound(
            &mut commands,
            &synths,
            &bank.collapse,
            SoundKind::Effect,
            &settings,
        );
    }
}

/// A thud, like a heartbeat, while a hazard wears Juno down.
fn hurt_thud(
    time: Res<Time>,
    lucidity: Res<Lucidity>,
    settings: Res<SoundSettings>,
    bank: Res<SoundBank>,
    synths: Res<Assets<Synth>>,
    mut since: Local<f32>,
    mut commands: Commands,
) {
    *since += time.delta_secs();
    if *since >= HURT_EVERY_SECONDS && !lucidity.hurting(2).is_empty() {
        *since = 0.0;
        play_sound(
            &mut commands,
            &synths,
            &bank.hurt,
            SoundKind::Effect,
            &settings,
        );
    }
}

/// A rising chord as the veil lifts, a long bright one as the dreamer goes free.
fn core_and_freedom(
    mut opened: MessageReader<CoreOpened>,
    mut freed: MessageReader<DreamerFreed>,
    settings: Res<SoundSettings>,
    bank: Res<SoundBank>,
    synths: Res<Assets<Synth>>,
    mut commands: Commands,
    mut captions: MessageWriter<SoundCaption>,
) {
    if opened.read().count() > 0 {
        captions.write(SoundCaption("A chord rises: the veil lifts"));
        play_sound(
            &mut commands,
            &synths,
            &bank.opened,
            SoundKind::Effect,
            &settings,
        );
    }
    if freed.read().count() > 0 {
        captions.write(SoundCaption("A long, bright chord: free"));
        play_sound(
            &mut commands,
            &synths,
            &bank.freed,
            SoundKind::Effect,
            &settings,
        );
    }
}

impl FadingOut {
    fn over(seconds: f32) -> Self {
        Self {
            seconds,
            left: seconds,
        }
    }
}

/// A sound fading out, as [`fade_out`] turns it down.
type Fading<'a> = (
    Entity,
    &'a SoundKind,
    &'a mut FadingOut,
    Option<&'a mut AudioSink>,
    Option<&'a Quieter>,
);

fn fade_out(
    time: Res<Time<Real>>,
    settings: Res<SoundSettings>,
    mut sounds: Query<Fading>,
    mut commands: Commands,
) {
    for (entity, kind, mut fading, sink, quieter) in &mut sounds {
        fading.left -= time.delta_secs();
        if fading.left <= 0.0 {
            commands.entity(entity).despawn();
        } else if let Some(mut sink) = sink {
            let share = fading.left / fading.seconds;
            sink.set_volume(Volume::Linear(
                volume_of(*kind, quieter, &settings) * share * share,
            ));
        }
    }
}

fn end_lifetimes(
    time: Res<Time<Real>>,
    mut sounds: Query<(Entity, &mut Lifetime)>,
    mut commands: Commands,
) {
    for (entity, mut lifetime) in &mut sounds {
        if lifetime.0.tick(time.delta()).is_finished() {
            commands.entity(entity).despawn();
        }
    }
}

/// Moving a volume slider is heard at once, in every sound playing.
fn follow_volume_settings(
    settings: Res<SoundSettings>,
    mut sinks: Query<(&SoundKind, &mut AudioSink, Option<&Quieter>), Without<FadingOut>>,
) {
    for (kind, mut sink, quieter) in &mut sinks {
        sink.set_volume(Volume::Linear(volume_of(*kind, quieter, &settings)));
    }
}

/// The dream's sounds hold their breath with it.
fn pause_sounds<const PAUSED: bool>(sinks: Query<&AudioSink>) {
    for sink in &sinks {
        if PAUSED {
            sink.pause();
        } else {
            sink.play();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volumes_multiply_master_by_kind() {
        let settings = SoundSettings {
            master: 0.5,
            ambience: 0.4,
            effects: 1.0,
            music: 0.2,
        };
        assert!((SoundKind::Ambience.volume(&settings) - 0.2).abs() < 1e-6);
        assert!((SoundKind::Effect.volume(&settings) - 0.5).abs() < 1e-6);
        assert!((SoundKind::Music.volume(&settings) - 0.1).abs() < 1e-6);
    }

    #[test]
    fn every_dream_has_a_key_in_the_lowest_octave() {
        let roots: std::collections::BTreeSet<u32> = (0..500)
            .map(|seed| drone_root(seed).round() as u32)
            .collect();
        assert!(roots.len() >= 10, "spread over the octave: {roots:?}");
        assert!(roots.iter().all(|r| (55..110).contains(r)));
    }
}
