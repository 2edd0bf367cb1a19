#!/usr/bin/env bash
# The test command: installs and starts what the tests need (Debian packages, servers), then runs
# every test project. `.ci/run` calls this same script, so what passes here passes in CI.
#
# Each step that prepares the machine is one file in scripts/setup.d/, sourced in name order, so a
# step can export what the tests read (a connection string, a browser path). A step that cannot
# install what it needs says so and leaves the tests that need it to fail with that message.
# Extra arguments go to `dotnet test` (for example --filter "FullyQualifiedName!~Packaging").
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== dotnet $(dotnet --version)"
# The CPU decides MKL's kernels, so a result that differs between machines can be traced to one.
cpu="$( { grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'; } 2>/dev/null || echo unknown), $(nproc) cores, $( { grep -m1 '^flags' /proc/cpuinfo | grep -o -w -E 'avx2|avx512f|avx512_bf16|avx512_fp16|amx_tile' | tr '\n' ' '; } 2>/dev/null || true)"
echo "== cpu: ${cpu}"
for step in scripts/setup.d/*.sh; do
  echo "== setup: ${step##*/}"
  # shellcheck source=/dev/null
  source "$step"
done

# It includes the packed-tool test (tests/RqVae.Cli.Tests/Packaging): `dotnet pack` the rqvae tool,
# `dotnet tool install` it into a temporary folder and run it, which is the only check that the
# package carries LibTorch and the patched libLibTorchSharp.so.
log=$(mktemp)
status=0
dotnet test RqVae.slnx "$@" 2>&1 | tee "$log" || status=$?

# One plain closing line over all test projects: 'N passed, N failed'.
passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -Eo 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"
echo "tests: ${passed} passed, ${failed} failed, ${skipped} skipped (cpu: ${cpu})"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ]; then exit 1; fi
if [ "$passed" -eq 0 ]; then echo "no test ran"; exit 1; fi
