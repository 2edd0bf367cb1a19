# PostgreSQL for the catalogue store tests: a throwaway cluster of Debian's `postgresql`, listening on
# 127.0.0.1 only, on an unusual fixed port, with trust authentication (nothing but loopback can reach
# it, and it holds test data only). Exports RQVAE_TEST_POSTGRES, the Npgsql connection string the
# PostgreSQL store tests read; without it they fail naming this script. RQVAE_TEST_POSTGRES=skip set
# beforehand skips them (and this step) on purpose.
# Idempotent: a server already answering on the port is reused; the cluster folder is kept between
# runs. Stop it with: runuser -u postgres -- pg_ctl -D /var/tmp/rqvae-test-postgres/data stop
# (sourced by scripts/test.sh with set -euo pipefail)

rqvae_pg_port="${RQVAE_TEST_POSTGRES_PORT:-55432}"
rqvae_pg_root=/var/tmp/rqvae-test-postgres
rqvae_pg_database=rqvae_test

if [ "${RQVAE_TEST_POSTGRES:-}" = "skip" ]; then
  echo "RQVAE_TEST_POSTGRES=skip: the PostgreSQL store tests will be skipped"
else
  rqvae_pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
  if [ -z "$(rqvae_pg_bin)" ] || [ ! -x "$(rqvae_pg_bin)/initdb" ]; then
    if ! apt-cache show postgresql >/dev/null 2>&1; then apt-get update -qq; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  fi
  rqvae_pg_bindir="$(rqvae_pg_bin)"
  # initdb and the server refuse to run as root: run them as Debian's postgres user when root.
  rqvae_pg_as() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
  if ! "$rqvae_pg_bindir/pg_isready" -q -h 127.0.0.1 -p "$rqvae_pg_port"; then
    mkdir -p "$rqvae_pg_root"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$rqvae_pg_root"; fi
    if [ ! -f "$rqvae_pg_root/data/PG_VERSION" ]; then
      rqvae_pg_as "$rqvae_pg_bindir/initdb" -D "$rqvae_pg_root/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    rqvae_pg_as "$rqvae_pg_bindir/pg_ctl" -D "$rqvae_pg_root/data" -l "$rqvae_pg_root/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $rqvae_pg_port -c unix_socket_directories=$rqvae_pg_root -c max_connections=200" start >/dev/null
  fi
  if ! psql -h 127.0.0.1 -p "$rqvae_pg_port" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$rqvae_pg_database'" | grep -q 1; then
    psql -h 127.0.0.1 -p "$rqvae_pg_port" -U postgres -d postgres -qc "CREATE DATABASE $rqvae_pg_database" >/dev/null
  fi
  export RQVAE_TEST_POSTGRES="Host=127.0.0.1;Port=$rqvae_pg_port;Username=postgres;Database=$rqvae_pg_database"
  echo "PostgreSQL $("$rqvae_pg_bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$rqvae_pg_port; RQVAE_TEST_POSTGRES=$RQVAE_TEST_POSTGRES"
  unset -f rqvae_pg_bin rqvae_pg_as
fi
unset rqvae_pg_port rqvae_pg_root rqvae_pg_database rqvae_pg_bindir
