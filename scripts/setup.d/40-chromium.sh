# Debian's chromium for the catalogue page's browser test (Microsoft.Playwright drives /usr/bin/chromium;
# Playwright's own browser download is never used: the test sets PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 and an
# ExecutablePath). Idempotent: nothing happens when chromium is installed.
# (sourced by scripts/test.sh with set -euo pipefail)

if [ ! -x /usr/bin/chromium ]; then
  if ! apt-cache show chromium >/dev/null 2>&1; then apt-get update -qq; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
echo "$(/usr/bin/chromium --version 2>/dev/null || echo 'chromium missing') at /usr/bin/chromium"
