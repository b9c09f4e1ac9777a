#!/usr/bin/env bash
# `benches/instructions.sh [CHAPTERS]` (default 1000): how many instructions
# a build of the synthetic site executes, counted by valgrind's callgrind on
# one thread, with the share of each stage.
#
# Why: wall time on a shared two-core machine moves between identical runs
# by more than most changes save, so they cannot be seen in it. An
# instruction count barely moves from run to run (docs/performance.md gives
# both spreads), so it shows whether a change made the build do less work; the
# timed benchmarks (`cargo bench --bench compare`) then say what that is
# worth in seconds. It does not see the kernel's work (writing files) or
# waiting for memory, so it complements them and does not replace them.
#
# Needs valgrind (`apt-get install valgrind`). Builds without the PDF
# feature, which a `--no-pdf` build does not use.
set -euo pipefail
chapters=${1:-1000}
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }

cargo build --quiet --release --no-default-features --bin rapport
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo bench --quiet --no-default-features --bench compare -- --write-site "$work/site" "$chapters" rapport

RAYON_NUM_THREADS=1 valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out" \
    "$target/release/rapport" build "$work/site" --no-pdf --no-search 2>"$work/valgrind.txt" >/dev/null
total=$(grep -oE 'refs: +[0-9,]+' "$work/valgrind.txt" | tr -d ', ' | cut -d: -f2)

callgrind_annotate --inclusive=yes "$work/callgrind.out" >"$work/inclusive.txt" 2>/dev/null
# A function's inclusive count: the largest of the lines naming it (inlined
# code can give it more than one line).
count() {
    awk -v f="$1" '{
        name = $0; sub(/ \[[^]]*\]$/, "", name)
        if (name ~ (":" f "$")) { n = $1; gsub(",", "", n); if (n + 0 > max) max = n + 0 }
    } END { if (max) print max }' "$work/inclusive.txt"
}
printf '%s chapters: %s instructions (%s per chapter)\n' \
    "$chapters" "$total" "$((total / chapters))"
# Functions that run on rayon's worker thread: callgrind does not carry a
# cost from one thread to the function that started the work on another.
for stage in \
    "loading chapters (read, front matter, Markdown)|rapport::content::load_report" \
    "  front matter (YAML)|rapport::yaml::parse" \
    "  Markdown into the document tree|rapport::markdown::parse::parse" \
    "rendering pages|rapport::render::RenderCtx::render" \
    "  templates (Tera)|rapport::render::templates::Templates::render" \
    "  document tree to HTML|rapport::markdown::html::render" \
    "writing pages (less the kernel's share)|rapport::output::Staging::write"; do
    name=${stage%%|*}
    n=$(count "${stage#*|}")
    [ -z "$n" ] || printf '  %-48s %14s  %5.1f%%\n' "$name" "$n" "$(awk -v n="$n" -v t="$total" 'BEGIN { print 100 * n / t }')"
done
