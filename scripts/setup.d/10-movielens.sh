# The MovieLens tests fetch Debian's r-cran-dslabs with `apt-get download`, which needs package lists.
if command -v apt-get >/dev/null 2>&1; then
  if ! apt-cache show r-cran-dslabs >/dev/null 2>&1; then
    echo "== apt-get update (package lists are needed to fetch MovieLens from r-cran-dslabs)"
    apt-get update -qq || echo "warning: apt-get update failed; the MovieLens tests will say why they cannot fetch the data"
  fi
fi
