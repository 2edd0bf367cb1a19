#!/usr/bin/env bash
# The speed benchmark (issue 5): builds the two benchmark programs in Release, then runs every
# measure back to back, each in its own process, and prints the table that BENCHMARKS.md quotes.
#   bash bench/run.sh [--quick] [--work DIR]
# Needs Debian's python3-torch, libopenblas0-pthread, python3-numpy, python3-faiss for the
# reference lines (bench/reference/setup.sh installs them when run as root) and about 4 GB of free
# space under the work directory (default /tmp/rqvae-bench) for the 1,000,000-item streaming file.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
dotnet build -c Release bench/RqVae.Bench.Text -v quiet -nologo >/dev/null
dotnet build -c Release bench/RqVae.Bench -v quiet -nologo >/dev/null
# MKL's vendor check (see bench/mkl-amd/mkl_intel_cpu.c): built if a C compiler is present, and
# passed to the benchmark, which then measures our side with and without it.
SHIM=()
if command -v gcc >/dev/null; then
    mkdir -p /tmp/rqvae-bench
    gcc -shared -fPIC -O2 -o /tmp/rqvae-bench/libmkl_intel_cpu.so bench/mkl-amd/mkl_intel_cpu.c
    SHIM=(--mkl-shim /tmp/rqvae-bench/libmkl_intel_cpu.so)
else
    echo "note: no gcc; MKL's AMD vendor check stays in place (apt-get install gcc to measure without it)" >&2
fi
exec bench/RqVae.Bench/bin/Release/net10.0/linux-x64/RqVae.Bench all "${SHIM[@]}" "$@"
