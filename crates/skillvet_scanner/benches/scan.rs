//! Tier 1 + tier 2 throughput, single-threaded, on the benign corpus (`../shared/corpus`,
//! 80 real skills) and on the labelled malicious fixtures:
//! `cargo bench -p skillvet_scanner --bench scan`. Goal: ≥ 200 skills/s on one core.
//! Also reports the end-to-end rate of `scan()` (reading the folders from disk included).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use skillvet_scanner::{Options, scan, scan_bundle, tier1};
use skillvet_skill::SkillBundle;

fn load(root: &Path) -> Vec<SkillBundle> {
    let dirs = skillvet_skill::local::find_skill_dirs(root).expect("list skills");
    dirs.iter()
        .map(|d| skillvet_skill::local::load_dir(d, &Default::default()).expect("load"))
        .collect()
}

fn measure(name: &str, bundles: &[SkillBundle]) {
    measure_with(name, bundles, &Options::default(), "tier 1 + tier 2");
}

/// CPU time of this thread: on a shared machine wall time also counts other processes.
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid out-pointer for the duration of the call.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

fn measure_with(name: &str, bundles: &[SkillBundle], opts: &Options, what: &str) {
    for b in bundles {
        std::hint::black_box(scan_bundle(b, opts));
    }
    let mut per_skill: Vec<Duration> = Vec::new();
    let mut runs = 0u32;
    let start = Instant::now();
    let cpu_start = thread_cpu();
    // `SKILLVET_BENCH_ONCE=1`: one run, for instruction counts under `valgrind --tool=callgrind`.
    let once = std::env::var_os("SKILLVET_BENCH_ONCE").is_some();
    while runs == 0 || !once && start.elapsed() < Duration::from_secs(3) {
        for b in bundles {
            let t = Instant::now();
            std::hint::black_box(scan_bundle(b, opts));
            per_skill.push(t.elapsed());
        }
        runs += 1;
    }
    let total = start.elapsed();
    let cpu = thread_cpu() - cpu_start;
    let n = f64::from(runs) * bundles.len() as f64;
    per_skill.sort();
    let pct = |p: f64| per_skill[((per_skill.len() as f64 - 1.0) * p) as usize];
    let bytes: u64 = bundles.iter().map(SkillBundle::total_bytes).sum();
    println!(
        "{name}: {} skills ({:.1} MB), {runs} runs: {:.0} skills/s per CPU second, {:.0} per \
         wall second ({what}, one thread), p50 {:?}, p99 {:?}, max {:?} per skill",
        bundles.len(),
        bytes as f64 / 1e6,
        n / cpu.as_secs_f64(),
        n / total.as_secs_f64(),
        pct(0.5),
        pct(0.99),
        per_skill.last().unwrap()
    );
}

fn end_to_end(name: &str, root: &Path) {
    if std::env::var_os("SKILLVET_BENCH_ONCE").is_some() {
        return;
    }
    let opts = Options::default();
    let start = Instant::now();
    let mut runs = 0;
    let mut skills = 0;
    while start.elapsed() < Duration::from_secs(3) {
        skills += std::hint::black_box(scan(root, &opts).expect("scan"))
            .skills
            .len();
        runs += 1;
    }
    println!(
        "{name}: scan() from disk, {runs} runs: {:.0} skills/s",
        skills as f64 / start.elapsed().as_secs_f64()
    );
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else to parse.
    tier1::warm_up();
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus: PathBuf = here.join("../../../shared/corpus/benign/trailofbits-skills");
    let corpus_bundles = load(&corpus);
    measure("benign corpus", &corpus_bundles);
    let tier1_only = Options {
        tier2: false,
        ..Options::default()
    };
    measure_with("benign corpus", &corpus_bundles, &tier1_only, "tier 1 only");
    let fixtures = here.join("tests/fixtures/tier1");
    measure("tier-1 fixtures", &load(&fixtures));
    let t2 = here.join("tests/fixtures/tier2");
    measure("tier-2 fixtures", &load(&t2));
    end_to_end("benign corpus", &corpus);
}
