#!/usr/bin/env bash
# Peak memory of `rqvae encode` against the number of items: builds the tool (Release), writes 32-d .npy
# inputs of each size (with an ids file beside each, so the ids are read and checked for repeats as for a
# real catalogue), trains one tiny model, then encodes every size to every output format, each in its own
# process, and prints the peak resident set (getrusage maxrss, via /usr/bin/time) and the wall time.
#   bash bench/encode-memory.sh [--sizes "1000000 10000000"] [--work DIR]
# Needs /usr/bin/time and python3 (standard library only); 10M items take about 1.4 GB of input and up
# to 0.5 GB per output under the work folder (default /tmp/rqvae-encode-memory).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SIZES="1000000 10000000"
WORK=/tmp/rqvae-encode-memory
while [[ $# -gt 0 ]]; do
    case "$1" in
        --sizes) SIZES="$2"; shift 2 ;;
        --work) WORK="$2"; shift 2 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done
mkdir -p "$WORK"
dotnet build "$ROOT/src/RqVae.Cli/RqVae.Cli.csproj" -c Release -v quiet -nologo >/dev/null
TOOL="$ROOT/src/RqVae.Cli/bin/Release/net10.0/linux-x64/rqvae"

# Rows repeat a block of 4,096 random vectors (cheap to write); ids are item0, item1, … so they are all distinct.
write_npy() {
    python3 - "$1" "$2" <<'PY'
import array, random, struct, sys
n, out, d = int(sys.argv[1]), sys.argv[2], 32
header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }" % (n, d)
header += ' ' * (63 - (10 + len(header)) % 64) + '\n'
random.seed(1)
block = array.array('f', [random.gauss(0, 1) for _ in range(4096 * d)]).tobytes()
with open(out, 'wb') as f:
    f.write(b'\x93NUMPY\x01\x00' + struct.pack('<H', len(header)) + header.encode())
    for start in range(0, n, 4096):
        f.write(block[:min(4096, n - start) * d * 4])
with open(out[:-4] + '.ids.txt', 'w') as f:
    for start in range(0, n, 100000):
        f.write(''.join('item%d\n' % i for i in range(start, min(n, start + 100000))))
PY
}

[[ -f "$WORK/train.npy" ]] || write_npy 20000 "$WORK/train.npy"
[[ -d "$WORK/model" ]] || "$TOOL" train "$WORK/train.npy" -o "$WORK/model" --epochs 2 --batch-size 256 --hidden-dimensions 16 \
    --latent-dimension 8 --levels 3 --codebook-size 64 --evaluate-every 0 >/dev/null
printf '%-10s %-8s %12s %10s\n' items output "peak MB" seconds
for n in $SIZES; do
    [[ -f "$WORK/items-$n.npy" ]] || write_npy "$n" "$WORK/items-$n.npy"
    for format in csv parquet jsonl; do
        out="$WORK/ids-$n.$format"
        rm -f "$out" "$out.meta.json"
        stats=$(/usr/bin/time -f '%M %e' "$TOOL" encode "$WORK/model" "$WORK/items-$n.npy" -o "$out" 2>&1 >/dev/null | tail -1)
        read -r kb seconds <<<"$stats"
        printf '%-10s %-8s %12.0f %10s\n' "$n" "$format" "$((kb / 1024))" "$seconds"
        rm -f "$out" "$out.meta.json"
    done
done
