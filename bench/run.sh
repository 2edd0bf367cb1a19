#!/usr/bin/env bash
# The speed benchmark: builds the two benchmark programs in Release, then runs every
# measure back to back, each in its own process, and prints the table that BENCHMARKS.md quotes.
#   bash bench/run.sh [--quick] [--work DIR]
# Needs Debian's python3-torch, libopenblas0-pthread, python3-numpy, python3-faiss for the
# reference lines (bench/reference/setup.sh installs them when run as root), a C compiler (the build
# compiles MKL's vendor-check library) and about 5 GB of free space under the work directory
# (default /tmp/rqvae-bench) for the 1,000,000-item files. Our side runs in the default numerics;
# training and fast encoding run once more with RQVAE_NUMERICS=portable to show that mode's cost. Last, the default
# tokenizer's training time and quality on MovieLens (bench/RqVae.Bench.Quality curve, at the default budget).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
echo "load: $(uptime)"
dotnet build -c Release bench/RqVae.Bench.Text -v quiet -nologo >/dev/null
dotnet build -c Release bench/RqVae.Bench -v quiet -nologo >/dev/null
dotnet build -c Release bench/RqVae.Bench.Quality -v quiet -nologo >/dev/null
bench/RqVae.Bench/bin/Release/net10.0/linux-x64/RqVae.Bench all "$@"
# The default tokenizer on MovieLens as the tool trains it (MiniLM vectors from the embedding cache; the first run embeds them).
echo
bench/RqVae.Bench.Quality/bin/Release/net10.0/linux-x64/RqVae.Bench.Quality curve movielens --steps default --threads 2
echo "load: $(uptime)"
