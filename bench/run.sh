#!/usr/bin/env bash
# The speed benchmark: builds the two benchmark programs in Release, then runs every
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
# MKL's vendor check (see src/RqVae/Platform/Native/mkl_intel_cpu.c): the build compiles the shim next
# to the program when a C compiler is present; the benchmark then measures our side with and without it.
SHIM=()
BUILT_SHIM=bench/RqVae.Bench/bin/Release/net10.0/linux-x64/librqvae_mkl_intel_cpu.so
if [[ -f "$BUILT_SHIM" ]]; then
    SHIM=(--mkl-shim "$ROOT/$BUILT_SHIM")
else
    echo "note: no C compiler, so no MKL vendor-check shim; our side is measured without it only (apt-get install gcc to add it)" >&2
fi
exec bench/RqVae.Bench/bin/Release/net10.0/linux-x64/RqVae.Bench all "${SHIM[@]}" "$@"
