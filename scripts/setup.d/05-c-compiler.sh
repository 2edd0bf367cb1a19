# The build compiles the MKL vendor-check library (src/RqVae/Platform/Native/mkl_intel_cpu.c) with cc and
# stops without one, so the compiler comes before the first build.
if ! command -v cc >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  echo "== apt-get install gcc (the build compiles a one-function C library)"
  if ! apt-cache show gcc >/dev/null 2>&1; then apt-get update -qq; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc >/dev/null
fi
