//! Captions for sounds that mean something (Settings → Accessibility → Captions): the
//! audio's [`SoundCaption`]s written at the bottom left of any screen, newest last, a few
//! seconds each.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::audio::SoundCaption;
use crate::settings::AccessibilitySettings;
use crate::theme;

/// Seconds a caption stays up.
const CAPTION_SECONDS: f32 = 4.0;
/// Captions shown at once.
const SHOWN: usize = 3;

/// The captions on screen: (words, seconds shown).
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct Captions(pub Vec<(&'static str, f32)>);

impl Captions {
    /// `seconds` later, with what was heard in them (`heard`, oldest first).
    pub fn advance(&mut self, seconds: f32, heard: impl IntoIterator<Item = &'static str>) {
        for caption in &mut self.0 {
            caption.1 += seconds;
        }
        self.0.retain(|c| c.1 < CAPTION_SECONDS);
        self.0.extend(heard.into_iter().map(|words| (words, 0.0)));
        let extra = self.0.len().saturating_sub(SHOWN);
        self.0.drain(..extra);
    }
}

pub(super) fn plugin(app: &mut App) {
    app.add_message::<SoundCaption>()
        .init_resource::<Captions>()
        .add_systems(Update, listen.after(crate::AppSystems::Update))
        .add_systems(EguiPrimaryContextPass, show);
}

fn listen(
    time: Res<Time<Real>>,
    mut heard: MessageReader<SoundCaption>,
    access: Res<AccessibilitySettings>,
    mut captions: ResMut<Captions>,
) {
    let words: Vec<&'static str> = heard.read().map(|c| c.0).collect();
    if !access.captions {
        captions.0.clear();
        return;
    }
    if !words.is_empty() || !captions.0.is_empty() {
        captions.advance(time.delta_secs(), words);
    }
}

fn show(mut contexts: EguiContexts, captions: Res<Captions>) -> Result {
    if captions.0.is_empty() {
        return Ok(());
    }
    let ctx = contexts.ctx_mut()?;
    egui::Area::new("hud_captions".into())
        .anchor(egui::Align2::LEFT_BOTTOM, [16.0, -16.0])
        .order(egui::Order::Foreground)
        .interactable(false)
        .show(ctx, |ui| {
            theme::glass_frame().show(ui, |ui| {
                for (words, age) in &captions.0 {
                    let alpha = (CAPTION_SECONDS - age).clamp(0.0, 1.0);
                    ui.label(
                        egui::RichText::new(format!("[{words}]"))
                            .color(egui::Color32::WHITE.gamma_multiply(alpha))
                            .size(16.0),
                    );
                }
            });
        });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captions_come_and_go() {
        let mut captions = Captions::default();
        captions.advance(0.1, ["A bell rings: a memory"]);
        assert_eq!(captions.0, [("A bell rings: a memory", 0.0)]);
        captions.advance(1.0, ["a", "b", "c"]);
        assert_eq!(captions.0.len(), SHOWN, "the newest few");
        assert_eq!(captions.0.last().unwrap().0, "c");
        captions.advance(CAPTION_SECONDS, []);
        assert!(captions.0.is_empty(), "gone after a while");
    }
}
