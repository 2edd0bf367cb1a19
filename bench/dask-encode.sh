#!/usr/bin/env bash
# Encoding a synthetic N × 384 catalogue through the Dask driver (scale/dask/encode_catalogue.py) with 1 and 2 workers,
# against single processes on the same machine in the same run: `rqvae encode` (plain) and `rqvae encode --unique`
# (the same work as shard + merge: IDs, last-level residuals, collision resolution). Prints items/s, peak memory per
# worker's tool process, merge time and memory, the per-worker ratio, and checks the Dask result equals --unique.
#   bash bench/dask-encode.sh [--sizes "1000000 3000000"] [--work DIR] [--threads 1]
# Every tool process runs with --threads torch threads (OMP_NUM_THREADS, MKL_NUM_THREADS; default 1), so a worker and
# the single process are compared thread for thread. Needs /usr/bin/python3 with numpy and Dask
# (scripts/setup.d/50-python.sh) and /usr/bin/time. Disk: 1.5 GB per million items for the catalogue (float32 .npy)
# plus about 0.3 GB per million for the tables and shard files, under --work (default /tmp/rqvae-dask-encode).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SIZES="1000000 3000000"
WORK=/tmp/rqvae-dask-encode
THREADS=1
while [[ $# -gt 0 ]]; do
    case "$1" in
        --sizes) SIZES="$2"; shift 2 ;;
        --work) WORK="$2"; shift 2 ;;
        --threads) THREADS="$2"; shift 2 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done
PY=/usr/bin/python3
mkdir -p "$WORK"
largest=$(tr ' ' '\n' <<<"$SIZES" | sort -n | tail -1)
need_gb=$(( (largest * 384 * 4 + largest * 300) / 1000000000 + 1 ))
free_gb=$(df --output=avail -BG "$WORK" | tail -1 | tr -dc 0-9)
echo "disk: $free_gb GB free under $WORK; the largest catalogue needs about $need_gb GB"
if (( free_gb < need_gb + 5 )); then echo "not enough disk for $largest items; pass smaller --sizes or another --work" >&2; exit 1; fi
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start"

dotnet build "$ROOT/src/RqVae.Cli/RqVae.Cli.csproj" -c Release -v quiet -nologo >/dev/null
TOOL="$ROOT/src/RqVae.Cli/bin/Release/net10.0/linux-x64/rqvae"
export OMP_NUM_THREADS=$THREADS MKL_NUM_THREADS=$THREADS

# Gaussian clusters in 384 dimensions (like sentence embeddings), written block by block through a memory map.
write_npy() {
    "$PY" - "$1" "$2" <<'PY'
import sys, numpy as np
n, out, d = int(sys.argv[1]), sys.argv[2], 384
rng = np.random.default_rng(7)
centres = rng.standard_normal((1000, d)).astype(np.float32)
a = np.lib.format.open_memmap(out + ".tmp", mode="w+", dtype="<f4", shape=(n, d))
for s in range(0, n, 262144):
    m = min(262144, n - s)
    a[s:s + m] = centres[rng.integers(0, 1000, m)] + 0.3 * rng.standard_normal((m, d), dtype=np.float32)
a.flush(); del a
import os; os.replace(out + ".tmp", out)
PY
}

[[ -f "$WORK/train.npy" ]] || write_npy 50000 "$WORK/train.npy"
[[ -f "$WORK/model/config.json" ]] || "$TOOL" train "$WORK/train.npy" -o "$WORK/model" --epochs 2 --batch-size 1024 \
    --latent-dimension 32 --levels 3 --codebook-size 256 --evaluate-every 0 >/dev/null

measure() { # command…: prints "seconds peakMB"
    /usr/bin/time -o "$WORK/time.txt" -f '%e %M' "$@" >/dev/null 2>"$WORK/last.err" || { cat "$WORK/last.err" >&2; exit 1; }
    awk '{ printf "%s %.0f\n", $1, $2 / 1024 }' "$WORK/time.txt"
}

printf '\n%-9s %-34s %9s %11s %12s %10s %11s\n' items run seconds "items/s" "peak MB" "merge s" "merge MB"
for n in $SIZES; do
    items="$WORK/items-$n.npy"
    [[ -f "$items" ]] || write_npy "$n" "$items"
    read -r s mb < <(measure "$TOOL" encode "$WORK/model" "$items" -o "$WORK/plain-$n.parquet" --overwrite)
    printf '%-9s %-34s %9.1f %11.0f %12s %10s %11s\n' "$n" "single: encode" "$s" "$(bc -l <<<"$n / $s")" "$mb" - -
    plain_rate=$(bc -l <<<"$n / $s")
    read -r s mb < <(measure "$TOOL" encode "$WORK/model" "$items" -o "$WORK/unique-$n.csv" --unique --overwrite)
    printf '%-9s %-34s %9.1f %11.0f %12s %10s %11s\n' "$n" "single: encode --unique" "$s" "$(bc -l <<<"$n / $s")" "$mb" - -
    unique_rate=$(bc -l <<<"$n / $s")
    for workers in 1 2; do
        report="$WORK/dask-$n-$workers.json"
        "$PY" "$ROOT/scale/dask/encode_catalogue.py" "$WORK/model" "$items" -o "$WORK/dask-$n-$workers.csv" --workers "$workers" \
            --shards "$workers" --rqvae "$TOOL" --report "$report" >/dev/null
        read -r s rate peak ms mmb < <("$PY" -c "import json,sys; r=json.load(open(sys.argv[1])); print(r['encode_seconds'], r['items_per_second'], r['shard_peak_mb'], r['merge_seconds'], r['merge_peak_mb'])" "$report")
        printf '%-9s %-34s %9.1f %11.0f %12.0f %10.1f %11.0f\n' "$n" "dask: $workers worker(s), shard + merge" "$s" "$rate" "$peak" "$ms" "$mmb"
        per_worker=$(bc -l <<<"$rate / $workers")
        printf '%-9s %-34s per worker %.0f items/s = %.2f × single encode --unique, %.2f × single plain encode\n' "" "" \
            "$per_worker" "$(bc -l <<<"$per_worker / $unique_rate")" "$(bc -l <<<"$per_worker / $plain_rate")"
        if cmp -s "$WORK/dask-$n-$workers.csv" "$WORK/unique-$n.csv"; then echo "          same table as encode --unique: yes"
        else echo "          same table as encode --unique: NO"; fi
        rm -f "$WORK/dask-$n-$workers.csv" "$WORK/dask-$n-$workers.csv.meta.json"
    done
    rm -f "$WORK/plain-$n.parquet" "$WORK/plain-$n.parquet.meta.json" "$WORK/unique-$n.csv" "$WORK/unique-$n.csv.meta.json"
done
echo "machine: load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
