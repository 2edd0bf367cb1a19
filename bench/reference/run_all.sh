#!/usr/bin/env bash
# Runs every reference configuration REPEATS times and appends one JSON line per run to OUT.
#   bash bench/reference/run_all.sh [OUT.jsonl] [REPEATS]      (SKIP_FAISS=1 for the torch runs only)
# The machine is shared with other builds, so each configuration is repeated and the README
# reports the best run. OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE are removed for these commands only,
# so that OpenBLAS uses the CPU's own (AVX-512) kernel; one extra set of runs keeps the forced
# Haswell kernel for comparison (tagged "env": "haswell").
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-/tmp/rqvae-reference.jsonl}
REPEATS=${2:-3}
PY=/usr/bin/python3
NATIVE=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE)

run() {  # run TAG COMMAND...; appends the JSON line with "env": TAG added
    local tag=$1; shift
    "$@" 2>/dev/null | tail -n 1 | "$PY" -c 'import json,sys; d=json.loads(sys.stdin.read()); d["env"]=sys.argv[1]; print(json.dumps(d))' "$tag" >>"$OUT"
}

for ((r = 1; r <= REPEATS; r++)); do
    echo "round $r/$REPEATS" >&2
    for threads in "1 1" "2 2" "1 2"; do
        set -- $threads
        for mode in matmul train encode; do
            run native "${NATIVE[@]}" "$PY" "$HERE/rqvae_torch.py" --mode "$mode" --threads "$1" --blas-threads "$2" --epochs 5
        done
    done
    run haswell "$PY" "$HERE/rqvae_torch.py" --mode matmul --threads 2
    run haswell "$PY" "$HERE/rqvae_torch.py" --mode train --threads 1 --blas-threads 2 --epochs 5
    run haswell "$PY" "$HERE/rqvae_torch.py" --mode encode --threads 1 --blas-threads 2
done
# FAISS training takes tens of seconds per run: once per configuration (SKIP_FAISS=1 skips it).
[[ ${SKIP_FAISS:-0} == 1 ]] && { echo "wrote $OUT" >&2; exit 0; }
for threads in 1 2; do
    for beam in 1 5; do
        run native "${NATIVE[@]}" "$PY" "$HERE/faiss_rq.py" --threads "$threads" --beam "$beam"
    done
done
echo "wrote $OUT" >&2
