//! Tier-2 throughput on the benign corpus (`../shared/corpus`, 80 skills) and on the
//! labelled malicious fixtures, single-threaded: `cargo bench -p skillvet_scanner --bench tier2`.
//! The scanner's goal is ≥ 200 skills/s for tier 1 + tier 2 on one core.

use std::path::Path;
use std::time::{Duration, Instant};

use skillvet_scanner::tier2;
use skillvet_skill::SkillBundle;

fn load(root: &Path) -> Vec<SkillBundle> {
    let dirs = skillvet_skill::local::find_skill_dirs(root).expect("list skills");
    dirs.iter()
        .map(|d| skillvet_skill::local::load_dir(d, &Default::default()).expect("load"))
        .collect()
}

fn measure(name: &str, bundles: &[SkillBundle]) {
    // Warm up, then run for at least two seconds.
    for b in bundles {
        std::hint::black_box(tier2::analyze_bundle(b));
    }
    let mut runs = 0u32;
    let mut per_skill: Vec<Duration> = Vec::new();
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(2) {
        for b in bundles {
            let t = Instant::now();
            std::hint::black_box(tier2::analyze_bundle(b));
            per_skill.push(t.elapsed());
        }
        runs += 1;
    }
    let total = start.elapsed();
    let n = f64::from(runs) * bundles.len() as f64;
    per_skill.sort();
    let pct = |p: f64| per_skill[((per_skill.len() as f64 - 1.0) * p) as usize];
    let scripts: usize = bundles
        .iter()
        .map(|b| tier2::analyze_bundle(b).scripts.len())
        .sum();
    println!(
        "{name}: {} skills ({scripts} scripts) x {runs} runs: {:.0} skills/s, mean {:.1} µs/skill, p50 {:?}, p99 {:?}, max {:?}",
        bundles.len(),
        n / total.as_secs_f64(),
        total.as_secs_f64() * 1e6 / n,
        pct(0.5),
        pct(0.99),
        per_skill.last().copied().unwrap_or_default()
    );
}

fn main() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = here.join("../../../shared/corpus/benign/trailofbits-skills");
    measure("tier2 benign corpus", &load(&corpus));
    measure(
        "tier2 malicious fixtures",
        &load(&here.join("tests/fixtures/tier2")),
    );
}
