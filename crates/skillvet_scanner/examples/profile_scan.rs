//! Scans the benign corpus in a loop, for profiling:
//! `cargo build --profile bench -p skillvet_scanner --example profile_scan`, then
//! `perf record -g --call-graph dwarf target/release/examples/profile_scan [ROOT] [RUNS]`.
//! `SKILLVET_PROFILE_TIER1=1` skips tier 2. Exact instruction counts:
//! `valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*measured*' ... ROOT 1`. Prints the slowest skills (CPU per scan).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use skillvet_scanner::{Options, scan_bundle, tier1};
use skillvet_skill::SkillBundle;

/// The timed passes (`valgrind --tool=callgrind --collect-atstart=no
/// --toggle-collect='*measured*'` counts only them).
#[inline(never)]
fn measured(bundles: &[SkillBundle], opts: &Options, runs: u32) -> Vec<Duration> {
    let mut per_skill = vec![Duration::ZERO; bundles.len()];
    for _ in 0..runs {
        for (b, t) in bundles.iter().zip(per_skill.iter_mut()) {
            let s = Instant::now();
            std::hint::black_box(scan_bundle(b, opts));
            *t += s.elapsed();
        }
    }
    per_skill
}

fn main() {
    let mut args = std::env::args().skip(1);
    let root: PathBuf = args.next().map_or_else(
        || {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../../shared/corpus/benign/trailofbits-skills")
        },
        PathBuf::from,
    );
    let runs: u32 = args
        .next()
        .map_or(5, |r| r.parse().expect("RUNS is a number"));
    let opts = Options {
        tier2: std::env::var_os("SKILLVET_PROFILE_TIER1").is_none(),
        ..Options::default()
    };
    tier1::warm_up();
    let dirs = skillvet_skill::local::find_skill_dirs(&root).expect("list skills");
    let bundles: Vec<_> = dirs
        .iter()
        .map(|d| skillvet_skill::local::load_dir(d, &Default::default()).expect("load"))
        .collect();
    // One pass first, as the bench does: the scanner compiles some regexes on first use.
    for b in &bundles {
        std::hint::black_box(scan_bundle(b, &opts));
    }
    let start = Instant::now();
    let per_skill = measured(&bundles, &opts, runs);
    let n = f64::from(runs) * bundles.len() as f64;
    println!("{:.0} skills/s", n / start.elapsed().as_secs_f64());
    let mut order: Vec<usize> = (0..bundles.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(per_skill[i]));
    for &i in order.iter().take(10) {
        println!(
            "{:>10.2?}  {:>8} bytes  {}",
            per_skill[i] / runs,
            bundles[i].total_bytes(),
            dirs[i].display()
        );
    }
}
