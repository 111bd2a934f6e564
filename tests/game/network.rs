//! The network simulation: deterministic, in range, and moved in the documented direction
//! by the engagement term, the overload and the alternative's rules.

use proptest::prelude::*;
use sleep_sync::network::analysis::Query;
use sleep_sync::network::{
    AltRules, Cohort, DataKept, Finding, Invites, MINUTES_PER_DAY, Measure, Network, Param, Policy,
};

const DAY: u64 = MINUTES_PER_DAY as u64;

fn network(seed: u64, count: usize, policy: Policy) -> Network {
    Network::new(seed, count, policy, &[])
}

/// Every value of every sleeper and every statistic in range.
fn assert_in_range(net: &Network) {
    let stats = net.stats();
    for value in [stats.dependence, stats.risk] {
        assert!((0.0..=1.0).contains(&value), "{stats:?}");
    }
    for c in &stats.cohorts {
        assert!(c.sync.is_finite() && c.valence.is_finite() && c.arousal.is_finite());
    }
    for i in 0..net.len() {
        let s = net.sleeper(i).expect("sleeper");
        for v in [s.sync, s.arousal, s.dependence, s.risk] {
            assert!((0.0..=1.0).contains(&v), "sleeper {i}: {s:?}");
        }
        assert!((-1.0..=1.0).contains(&s.valence), "sleeper {i}: {s:?}");
        assert!(s.heart_rate.is_finite() && s.heart_rate > 30.0 && s.heart_rate < 140.0);
    }
    assert!(stats.looping as usize <= net.len());
    assert_eq!(stats.stages.iter().sum::<u32>() as usize, net.len());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn the_same_seed_gives_the_same_network(seed in any::<u64>(), minutes in 1u64..600) {
        let mut a = network(seed, 300, Policy::SomnoTech);
        let mut b = network(seed, 300, Policy::SomnoTech);
        a.run(minutes);
        b.run(minutes);
        prop_assert_eq!(a.stats(), b.stats());
        for i in 0..a.len() {
            prop_assert_eq!(a.sleeper(i), b.sleeper(i));
        }
    }

    #[test]
    fn values_stay_in_range(seed in any::<u64>(), start in 0u64..DAY, overload in any::<bool>()) {
        let rules = AltRules {
            opt_in: seed % 2 == 0,
            individual_by_default: seed % 3 == 0,
            shared_nights_per_week: (seed % 8) as u8,
            invites: Invites::ALL[(seed % 3) as usize],
            emotional_steering: seed % 5 != 0,
            data_kept: DataKept::ALL[(seed / 7 % 3) as usize],
        };
        let policy = if seed % 4 == 0 { Policy::SomnoTech } else { Policy::Alternative(rules) };
        let mut net = network(seed, 400, policy);
        net.run(start);
        if overload {
            net.overload(&[0, 1]);
        }
        for _ in 0..6 {
            net.run(50);
            assert_in_range(&net);
        }
    }
}

#[test]
fn other_seeds_give_other_networks() {
    let mut a = network(1, 300, Policy::SomnoTech);
    let mut b = network(2, 300, Policy::SomnoTech);
    a.run(DAY);
    b.run(DAY);
    assert_ne!(a.stats(), b.stats());
}

/// Prints a few days of the network, to tune it by (`-- --ignored --nocapture`).
#[test]
#[ignore]
fn print_days() {
    for (name, policy) in [
        ("somnotech", Policy::SomnoTech),
        ("alternative", Policy::Alternative(AltRules::default())),
    ] {
        let mut net = network(2045, 12_000, policy);
        for hour in 0..(24 * 5) {
            if hour == 24 * 4 + 1 {
                net.overload(&[0, 1]);
            }
            net.run(60);
            let s = net.stats();
            let c = &s.cohorts[0];
            if hour % 3 == 2 {
                println!(
                    "{name} h{hour:3} asleep {:5} conn {:5} loop {:4} dep {:.3} risk {:.3} | sync {:.2} val {:+.3} aro {:.3} heavy {:5} light {:5}",
                    s.asleep,
                    s.connected,
                    s.looping,
                    s.dependence,
                    s.risk,
                    c.sync,
                    c.valence,
                    c.arousal,
                    s.cohorts[1].connected,
                    s.cohorts[2].connected
                );
            }
        }
        for param in Param::ALL {
            for measure in Measure::ALL {
                let line: Vec<String> = [0usize, 5, 15, 30]
                    .iter()
                    .map(|lag| {
                        let c = net.history().correlate(Query {
                            param,
                            measure,
                            cohort: Cohort::All,
                            lag: *lag,
                            window: DAY as usize,
                        });
                        format!("{:+.2}", c.r)
                    })
                    .collect();
                println!(
                    "{name} {:20} {:18} {}",
                    param.label(),
                    measure.label(),
                    line.join(" ")
                );
            }
        }
        let incidents = net.incidents().count();
        println!("{name} incidents logged {incidents}");
        let _ = Finding;
    }
}

/// Whatever the seed, a night of history shows the engagement term moving emotion, and no
/// other parameter moving it as much: the discovery does not rest on one lucky network.
#[test]
fn the_engagement_term_shows_in_any_network() {
    for seed in 0..6 {
        let mut net = network(seed, 3000, Policy::SomnoTech);
        net.run(46 * 60);
        let r = |param, measure| {
            net.history()
                .correlate(Query {
                    param,
                    measure,
                    cohort: Cohort::All,
                    lag: 10,
                    window: DAY as usize,
                })
                .r
        };
        let hidden = r(Param::Continuity, Measure::Valence);
        let others = Param::ALL
            .into_iter()
            .filter(|p| *p != Param::Continuity)
            .flat_map(|p| [r(p, Measure::Valence), r(p, Measure::Arousal)])
            .fold(0.0f32, |m, v| m.max(v.abs()));
        println!("seed {seed}: continuity → valence {hidden:+.2}; others at most {others:.2}");
        assert!(hidden < -0.5, "seed {seed}: {hidden}");
        assert!(others < 0.45, "seed {seed}: {others}");
    }
}

/// A saved game keeps the network as its seed, size, minute and the log of what was done
/// to it: simulating that again gives the same network, bit for bit.
#[test]
fn a_network_simulated_again_from_its_log_is_the_same_network() {
    use sleep_sync::network::{Intervention, ReplayError, ReplaySource, Rerun};

    // The tests' network: 1,500 sleepers from seed 7 under SomnoTech, no family.
    let source = |journal, minute| ReplaySource {
        seed: 7,
        count: 1_500,
        policy: Policy::SomnoTech,
        family: &[],
        journal,
        minute,
    };
    let mut original = network(7, 1_500, Policy::SomnoTech);
    original.run(300);
    original.overload(&[0, 1]);
    original.run(157);
    original.free(1);
    original.run(61);
    original.free(0);
    original.release();
    original.run(45);
    let journal = original.journal().to_vec();
    assert_eq!(
        journal,
        vec![
            (300, Intervention::Overload(vec![0, 1])),
            (457, Intervention::Free(1)),
            (518, Intervention::Free(0)),
            (518, Intervention::Release),
        ]
    );
    let again = Network::replay(source(&journal, original.minute())).expect("replays");
    assert_eq!(again.digest(), original.digest());
    assert!(again == original, "the same in every field");
    // Both go on the same way.
    let (mut a, mut b) = (original.clone(), again);
    for _ in 0..30 {
        a.step();
        b.step();
        assert_eq!(a.stats(), b.stats());
    }
    assert_eq!(a.digest(), b.digest());

    // Simulated again a few minutes a slice (as the browser does, between frames), with
    // two interventions in one minute and slices ending on them: the same network.
    for per_slice in [1, 7, 157] {
        let mut rerun = Rerun::begin(source(&journal, original.minute())).expect("a true log");
        let mut slices = 0;
        loop {
            let before = rerun.minutes_left();
            let mut given = 0;
            let done = rerun.run_while(|| {
                given += 1;
                given <= per_slice
            });
            slices += 1;
            assert_eq!(before - rerun.minutes_left(), per_slice.min(before));
            if done {
                break;
            }
        }
        assert_eq!(slices, original.minute().div_ceil(per_slice));
        let sliced = rerun.finish();
        assert!(sliced == original, "sliced {per_slice} minutes at a time");
    }
    // An intervention at the very minute it is simulated to is made too.
    let mut brought = original.clone();
    brought.bring(5);
    let journal_to_the_end = brought.journal().to_vec();
    assert_eq!(
        journal_to_the_end.last(),
        Some(&(original.minute(), Intervention::Bring(5)))
    );
    let mut rerun =
        Rerun::begin(source(&journal_to_the_end, brought.minute())).expect("a true log");
    while !rerun.run_while(|| true) {}
    assert!(
        rerun.finish() == brought,
        "the last minute's intervention made"
    );

    // The digest tells another history apart: the same interventions a minute later.
    let late: Vec<_> = journal.iter().map(|(m, i)| (m + 1, i.clone())).collect();
    let other = Network::replay(source(&late, original.minute())).expect("replays");
    assert_ne!(other.digest(), original.digest());

    // A log that cannot be true is refused, not followed.
    let mut swapped = journal.clone();
    swapped.swap(0, 1);
    assert!(matches!(
        Network::replay(source(&swapped, 600)),
        Err(ReplayError::OutOfOrder { index: 1, .. })
    ));
    assert!(matches!(
        Network::replay(source(&journal, 400)),
        Err(ReplayError::AfterTheEnd { .. })
    ));
    let stranger = [(10, Intervention::Free(99_999))];
    assert!(matches!(
        Network::replay(source(&stranger, 20)),
        Err(ReplayError::NoSuchSleeper {
            sleeper: 99_999,
            ..
        })
    ));
}

/// Saved games keep the network's digest and check it when they are loaded: a change to
/// the simulation that moves it (or moves the digest of a network nobody was brought
/// home from) breaks every saved game. The value was taken before strangers could be
/// brought home and must not move.
#[test]
fn the_digest_of_a_network_with_no_one_brought_home_is_unchanged() {
    let mut net = network(7, 1_500, Policy::SomnoTech);
    net.run(300);
    net.overload(&[0, 1]);
    net.run(157);
    net.free(1);
    net.run(61);
    net.release();
    net.run(45);
    println!("digest: {:#x}", net.digest());
    assert_eq!(net.digest(), PINNED_DIGEST);
}

const PINNED_DIGEST: u64 = 0x2c3a_a192_bf43_3c80;

/// The map's cells read the sleepers' columns directly, and say what each sleeper's own
/// snapshot says: the highest risk of a cell's sleepers, and whether any is in a loop.
#[test]
fn the_maps_cells_agree_with_each_sleeper() {
    let mut net = network(7, 1_001, Policy::default());
    net.run(3 * 60);
    net.overload(&[2, 500, 1_000]);
    for per_cell in [1, 3, 7] {
        let cells: Vec<(f32, bool)> = net.map_cells(per_cell).collect();
        assert_eq!(
            cells.len(),
            net.len().div_ceil(per_cell),
            "per cell {per_cell}"
        );
        for (c, &(risk, looping)) in cells.iter().enumerate() {
            let sleepers: Vec<_> = (c * per_cell..((c + 1) * per_cell).min(net.len()))
                .map(|i| net.sleeper(i).expect("in range"))
                .collect();
            let highest = sleepers.iter().map(|s| s.risk).fold(0.0, f32::max);
            assert_eq!(risk, highest, "cell {c} of {per_cell}");
            assert_eq!(looping, sleepers.iter().any(|s| s.looping), "cell {c}");
        }
        for trapped in [2, 500, 1_000] {
            assert!(cells[trapped / per_cell].1, "{trapped}'s cell loops");
        }
    }
    assert_eq!(net.map_cells(0).count(), net.len(), "at least one a cell");
}
