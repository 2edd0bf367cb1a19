#!/usr/bin/env bash
# The catalogue service under load (loopback only, every phase bounded in requests and time): lookups/s and
# p50/p99, assigns/s for batches of 1 and 256 vectors and their share of the library's own encoding rate
# measured in the same run, on SQLite and on PostgreSQL (when RQVAE_TEST_POSTGRES is set, as
# scripts/setup.d/30-postgresql.sh sets it), with the error count of every phase.
#   bash bench/serve-load.sh [--quick] [--work DIR] [--postgres CONNECTION]
# Installs Debian's wrk when missing (as root), which measures lookups beside the C# client.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
if ! command -v wrk >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
  if ! apt-cache show wrk >/dev/null 2>&1; then apt-get update -qq; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null || echo "note: wrk could not be installed; lookups are measured with the C# client only" >&2
fi
dotnet build -c Release bench/RqVae.Bench.Serve -v quiet -nologo >/dev/null
exec dotnet bench/RqVae.Bench.Serve/bin/Release/net10.0/linux-x64/RqVae.Bench.Serve.dll "$@"
