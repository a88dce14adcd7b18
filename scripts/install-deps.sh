#!/usr/bin/env bash
# Installs the Debian packages riskd builds and tests with. Idempotent: quiet and fast when all is there.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc
  libabsl-dev libboost-dev libyaml-cpp-dev libgtest-dev libgmock-dev
  libbenchmark-dev
  librocksdb-dev libhiredis-dev redis-server redis-tools
  libmaxminddb-dev mmdb-bin
  libre2-dev libjemalloc-dev
  libcurl4-openssl-dev libssl-dev python3
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
