#!/usr/bin/env bash
# The catalogue store benchmark: assigns (batches of 1 and 256), re-assigns and lookups on SQLite (the
# baseline) and PostgreSQL, in one process, bounded in count. Starts (or reuses) the test PostgreSQL of
# scripts/setup.d/30-postgresql.sh; stop it afterwards as that script says.
#   bash bench/catalogue.sh [--quick]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
# shellcheck source=/dev/null
source scripts/setup.d/30-postgresql.sh
dotnet build -c Release bench/RqVae.Bench.Catalogue -v quiet -nologo >/dev/null
exec bench/RqVae.Bench.Catalogue/bin/Release/net10.0/linux-x64/RqVae.Bench.Catalogue --postgres "${RQVAE_TEST_POSTGRES}" "$@"
