# The Python loader and Dask driver tests run Debian's PyTorch, NumPy and Dask distributed with /usr/bin/python3
# (another python3 may come first on PATH without them). OpenBLAS keeps Debian's PyTorch from running ~25× slower.
if command -v apt-get >/dev/null 2>&1; then
  python_packages=(python3-torch python3-numpy python3-distributed libopenblas0-pthread)
  # dpkg's status, not an import: importing torch takes seconds, and this runs before every test run.
  if ! dpkg -s "${python_packages[@]}" >/dev/null 2>&1; then
    if ! apt-cache show "${python_packages[@]}" >/dev/null 2>&1; then
      echo "== apt-get update (package lists are needed to install ${python_packages[*]})"
      apt-get update -qq
    fi
    echo "== apt-get install ${python_packages[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${python_packages[@]}" >/dev/null
  fi
fi
export RQVAE_TEST_PYTHON=/usr/bin/python3
