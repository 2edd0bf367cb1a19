#!/usr/bin/env bash
# Installs the Python reference stack for the speed benchmark (Debian 12 packages only).
#
#   python3-torch         PyTorch 1.13.1 (Debian build, CPU)
#   libopenblas0-pthread  multi-threaded OpenBLAS; without it torch falls back to the
#                         reference BLAS and is ~25x slower
#   python3-numpy         .npy input/output
#   python3-faiss         FAISS 1.7.3 (ResidualQuantizer)
#
# Idempotent: packages already installed are left alone and apt is not touched at all.
# Must run as root (apt-get). Exits non-zero if anything is still missing afterwards.
set -euo pipefail

PACKAGES=(python3-torch libopenblas0-pthread python3-numpy python3-faiss)
# Debian's interpreter: the first python3 on PATH may be another one without numpy/torch.
PY=/usr/bin/python3

is_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'
}

missing=()
for p in "${PACKAGES[@]}"; do
    is_installed "$p" || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
    echo "setup: all packages already installed: ${PACKAGES[*]}"
else
    if [[ $(id -u) -ne 0 ]]; then
        echo "setup: ERROR: need root to install: ${missing[*]}" >&2
        exit 1
    fi
    echo "setup: installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # Refresh the package lists only if an install attempt fails without them
    # (a fresh machine has empty lists; a prepared one needs no network round trip).
    if ! apt-get install -y --no-install-recommends "${missing[@]}" >/tmp/rqvae-ref-setup.log 2>&1; then
        apt-get update >>/tmp/rqvae-ref-setup.log 2>&1
        apt-get install -y --no-install-recommends "${missing[@]}" >>/tmp/rqvae-ref-setup.log 2>&1 || {
            echo "setup: ERROR: apt-get install failed; see /tmp/rqvae-ref-setup.log" >&2
            tail -n 20 /tmp/rqvae-ref-setup.log >&2
            exit 1
        }
    fi
    echo "setup: installed: ${missing[*]}"
fi

# Verify: packages present, and the interpreter can actually import everything.
still_missing=()
for p in "${PACKAGES[@]}"; do
    is_installed "$p" || still_missing+=("$p")
done
if ((${#still_missing[@]} > 0)); then
    echo "setup: ERROR: still not installed: ${still_missing[*]}" >&2
    exit 1
fi

if ! "$PY" - <<'PYEOF'
import numpy, torch, faiss
print(f"setup: versions: python {__import__('sys').version.split()[0]}, numpy {numpy.__version__}, "
      f"torch {torch.__version__}, faiss {faiss.__version__}")
PYEOF
then
    echo "setup: ERROR: $PY cannot import numpy/torch/faiss" >&2
    exit 1
fi

for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='setup:   ${Package} ${Version}\n' "$p"
done
