//! egui: every screen, menu and HUD of the game is drawn with it.

use bevy::prelude::*;
use bevy_egui::EguiPlugin;

pub(crate) fn plugin(app: &mut App) {
    app.add_plugins(EguiPlugin::default());
    #[cfg(target_arch = "wasm32")]
    app.add_systems(bevy_egui::EguiPrimaryContextPass, browser_fonts);
}

/// The browser build's fonts: egui's text and code faces cut down to the characters a
/// player can meet in the base game, and of egui's icon font the two symbols the game
/// writes that neither face has (`scripts/subset-fonts.sh`, which says what is kept).
/// These are 0.15 MB of the download (gzipped); the two whole faces were 0.32 MB, and
/// egui's four fonts are 0.78. The browser plays the base levels only; a character
/// outside the kept ranges shows as egui's missing-glyph box there, and draws on the
/// desktop, which keeps egui's fonts.
#[cfg(any(target_arch = "wasm32", test))]
const BROWSER_FONTS: [(&str, &[u8]); 3] = [
    (
        "Ubuntu-Light",
        include_bytes!("../../web/fonts/Ubuntu-Light.subset.ttf"),
    ),
    (
        "Hack",
        include_bytes!("../../web/fonts/Hack-Regular.subset.ttf"),
    ),
    (
        "emoji-icon-font",
        include_bytes!("../../web/fonts/emoji-icon-font.subset.ttf"),
    ),
];

/// egui's font families in the browser's fonts: the text face first for text and the
/// code face for code, as egui's defaults have them, each falling back on the other
/// (egui's text family has no Hack; here it stands in for the emoji font's arrows and ▶),
/// then the icons at egui's own scale for them.
#[cfg(any(target_arch = "wasm32", test))]
fn browser_font_definitions() -> bevy_egui::egui::FontDefinitions {
    use bevy_egui::egui::{FontData, FontDefinitions, FontFamily, FontTweak};
    use std::sync::Arc;
    let mut fonts = FontDefinitions::empty();
    for (name, bytes) in BROWSER_FONTS {
        let mut data = FontData::from_static(bytes);
        if name == "emoji-icon-font" {
            data = data.tweak(FontTweak {
                scale: 0.90,
                ..Default::default()
            });
        }
        fonts.font_data.insert(name.to_owned(), Arc::new(data));
    }
    let [text, code, icons] = BROWSER_FONTS.map(|(name, _)| name.to_owned());
    fonts.families.insert(
        FontFamily::Proportional,
        vec![text.clone(), code.clone(), icons.clone()],
    );
    fonts
        .families
        .insert(FontFamily::Monospace, vec![code, text, icons]);
    fonts
}

#[cfg(target_arch = "wasm32")]
fn browser_fonts(mut contexts: bevy_egui::EguiContexts, mut done: Local<bool>) -> Result {
    if *done {
        return Ok(());
    }
    contexts.ctx_mut()?.set_fonts(browser_font_definitions());
    *done = true;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use bevy_egui::egui::{Color32, Context, FontId, RawInput};
    use skrifa::{FontRef, MetadataProvider};
    use std::collections::BTreeSet;
    use std::path::Path;

    /// Every character in the files under `folder` with one of `extensions`.
    fn characters_in(folder: &Path, extensions: &[&str], into: &mut BTreeSet<char>) {
        for entry in std::fs::read_dir(folder).expect("a folder of the game") {
            let path = entry.expect("a readable folder").path();
            if path.is_dir() {
                characters_in(&path, extensions, into);
            } else if path
                .extension()
                .is_some_and(|e| extensions.iter().any(|x| e == *x))
            {
                let text = std::fs::read_to_string(&path).expect("a text file");
                into.extend(text.chars());
            }
        }
    }

    /// A character cut from the browser's fonts, which egui's whole faces have:
    /// Cyrillic's small zhe (written as a number, so that the scan of the game's text
    /// does not find it in this file).
    const CUT: char = '\u{436}';

    /// Whether the font file `bytes` maps `c` to a glyph (its character map; egui's own
    /// `has_glyph` answers no for any character of the face its missing-glyph box is in).
    fn maps(bytes: &[u8], c: char) -> bool {
        let font = FontRef::new(bytes).expect("a font file");
        font.charmap().map(c).is_some()
    }

    /// What the base game writes (its levels' dialogue, names and notes; every string in
    /// its code) is in the browser's cut-down fonts wherever egui's whole fonts have it: a
    /// missing character here would be a box on a player's screen. When this fails, run
    /// `bash scripts/subset-fonts.sh`.
    #[test]
    fn the_browser_fonts_draw_every_glyph_the_game_writes() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut written = BTreeSet::new();
        characters_in(&root.join("levels"), &["ron", "txt"], &mut written);
        characters_in(&root.join("src"), &["rs"], &mut written);
        written.retain(|c| !c.is_control());
        let beyond_ascii = written.iter().filter(|c| !c.is_ascii()).count();
        assert!(
            beyond_ascii >= 20 && written.contains(&'—') && written.contains(&'…'),
            "the scan found the game's text: {written:?}"
        );

        // Every character the game writes that egui's whole fonts (the desktop's) have,
        // one of the browser's has.
        let whole = [
            epaint_default_fonts::UBUNTU_LIGHT,
            epaint_default_fonts::HACK_REGULAR,
            epaint_default_fonts::NOTO_EMOJI_REGULAR,
            epaint_default_fonts::EMOJI_ICON,
        ];
        let drawn: Vec<char> = written
            .iter()
            .copied()
            .filter(|&c| whole.iter().any(|font| maps(font, c)))
            .collect();
        assert!(
            drawn.len() > 120,
            "egui's fonts have {} of them",
            drawn.len()
        );
        let missing: String = drawn
            .iter()
            .filter(|&&c| !BROWSER_FONTS.iter().any(|(_, font)| maps(font, c)))
            .collect();
        assert!(
            missing.is_empty(),
            "the browser's fonts lack {missing:?}: run scripts/subset-fonts.sh"
        );
        // The control room's pause and warning symbols come from the icons.
        assert!(maps(BROWSER_FONTS[2].1, '⏸') && maps(BROWSER_FONTS[2].1, '⚠'));
        // The keys a Cyrillic or Greek layout types are labelled in capitals.
        for capital in ['Ж', 'Ц', 'Σ', 'Ω'] {
            assert!(
                BROWSER_FONTS[..2]
                    .iter()
                    .all(|(_, font)| maps(font, capital))
            );
        }
        // The cut is real: a character egui's faces have is left out.
        for (whole, (name, cut)) in whole.iter().zip(BROWSER_FONTS).take(2) {
            assert!(maps(whole, CUT) && !maps(cut, CUT), "{name} was cut");
        }
    }

    /// egui reads the cut-down fonts and lays the game's text out with them, each
    /// character its own glyph: none is the missing-glyph box, which a character cut
    /// from them gets.
    #[test]
    fn egui_lays_text_out_in_the_browser_fonts() {
        let context = Context::default();
        context.set_fonts(browser_font_definitions());
        // The pass's textures are not drawn anywhere: cleared, as egui asks.
        context
            .run_ui(RawInput::default(), |_| {})
            .textures_delta
            .clear();
        let text = "Juno — “Leo?” → 12 °C … ⏸ ⚠ Ж";
        for font in [FontId::proportional(18.0), FontId::monospace(18.0)] {
            let glyphs = |text: &str| {
                let galley = context
                    .fonts_mut(|f| f.layout_no_wrap(text.to_owned(), font.clone(), Color32::WHITE));
                assert_eq!(galley.rows.len(), 1);
                galley.rows[0]
                    .glyphs
                    .iter()
                    .map(|g| (g.chr, g.uv_rect))
                    .collect::<Vec<_>>()
            };
            let missing = glyphs(&CUT.to_string())[0].1;
            let laid = glyphs(text);
            assert_eq!(laid.len(), text.chars().count());
            for (c, uv) in laid {
                assert!(
                    c == ' ' || uv != missing,
                    "{c:?} is drawn as the missing box"
                );
            }
        }
    }
}
