//! `sleep-sync playthrough --headless --path N [--length]`: the whole campaign played
//! by a script, headless (a build with the `dev` feature; the script is
//! `crate::dev::playthrough`). Only the arguments are read here.

pub const PLAYTHROUGH_USAGE: &str = "\
Usage: sleep-sync playthrough --headless --path N [--length]
       (a build with the dev feature: cargo run --features dev -- playthrough ...)

Plays the campaign from New game to its ending with no window, following scripted path
N, and prints `chapter: NAME` as each chapter is reached, `scene: ID` and `dive: ID` as
each begins, and `ending: ID` at the end.
  --path N     1: first answers in the scenes, dives at once, the kind design (Dawn)
               2: second answers, lets the overload's clock run out (The long night)
               3: third answers, keeps the steering and every record (Kept)
  --length     then print the length estimate per act: words read at 180 a minute, the
               scripted player's walking in each dream (its shipped replay) twice over,
               the desk's network minutes at 10 a second, the link's calibrations
  --headless   runs without a window (the only way it runs; accepted for clarity)
Exits 0 on an ending, 1 if the game stalls, 2 on bad arguments.";

/// What `sleep-sync playthrough ...` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlaythroughArgs {
    pub path: u8,
    pub length: bool,
}

impl PlaythroughArgs {
    pub fn parse(args: &[String]) -> Result<Self, String> {
        let mut path = None;
        let mut length = false;
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--headless" => {}
                "--length" => length = true,
                "--path" => {
                    let value = args.next().ok_or("--path needs a number: 1, 2 or 3")?;
                    match value.parse::<u8>() {
                        Ok(n @ 1..=3) => path = Some(n),
                        _ => return Err(format!("--path {value:?}: expected 1, 2 or 3")),
                    }
                }
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        let path = path.ok_or("which path? --path 1, 2 or 3")?;
        Ok(Self { path, length })
    }
}

#[cfg(test)]
mod tests {
    use super::PlaythroughArgs;

    fn parse(args: &[&str]) -> Result<PlaythroughArgs, String> {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        PlaythroughArgs::parse(&args)
    }

    #[test]
    fn a_path_is_one_two_or_three() {
        assert_eq!(
            parse(&["--headless", "--path", "2", "--length"]),
            Ok(PlaythroughArgs {
                path: 2,
                length: true
            })
        );
        assert!(
            parse(&["--path", "4"])
                .unwrap_err()
                .contains("expected 1, 2 or 3")
        );
        assert!(parse(&["--path"]).is_err());
        assert!(parse(&["--headless"]).unwrap_err().contains("which path"));
        assert!(parse(&["--fast"]).unwrap_err().contains("unknown argument"));
    }
}
