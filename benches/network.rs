//! The network simulation: what one simulated minute costs per sleeper, at 10,000 and
//! 100,000 sleepers, and what the inspector's analysis costs over a day of history.
//!
//! The per-sleeper figures (criterion's "elements" throughput) should match between the
//! two sizes: the minute is one pass over the sleepers, so it must grow linearly. The
//! 100k network's arrays (~5 MB of state) outgrow the cache where the 10k one's do not.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use sleep_sync::network::analysis::Query;
use sleep_sync::network::{Cohort, Measure, Network, Param, Policy};

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("network_minute");
    group.sample_size(20);
    for count in [10_000usize, 100_000] {
        // The network runs on through every iteration, so the figure is a minute
        // averaged over the days and nights the measurement spans.
        let mut net = Network::new(2045, count, Policy::SomnoTech, &[]);
        net.run(60);
        group.throughput(Throughput::Elements(count as u64));
        group.bench_function(BenchmarkId::from_parameter(count), |b| {
            b.iter(|| net.step())
        });
    }
    group.finish();

    let mut net = Network::new(2045, 2_000, Policy::SomnoTech, &[]);
    net.run(2 * 1440);
    let query = Query {
        param: Param::Continuity,
        measure: Measure::Valence,
        cohort: Cohort::All,
        lag: 10,
        window: 1440,
    };
    c.bench_function("analysis_correlate_day", |b| {
        b.iter(|| net.history().correlate(query))
    });
}

criterion_group!(network, benches);
criterion_main!(network);
