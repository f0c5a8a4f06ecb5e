#!/usr/bin/env bash
# Installs every Debian package that kstack's build and tests need.
# Idempotent; needs root and apt-get (Debian 12). The dev cloud's own
# packages are installed by devcloud/install, not here.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  libcurl4-openssl-dev libssl-dev openssl
  nlohmann-json3-dev libyaml-cpp-dev libcli11-dev libfmt-dev libspdlog-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang clang-format clang-tidy-19 libclang-rt-dev afl++
  etcd-server etcd-client iproute2 shellcheck cloud-init zlib1g-dev gzip zsh curl
  python3 lintian debootstrap
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

# Node.js with npm runs the manifest type checks; a machine that already has
# both (e.g. from another repository) keeps them, otherwise Debian's.
command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)
# kubectl loads the generated kubeconfigs in the tests; Debian's client is
# enough for that when no other kubectl is installed.
command -v kubectl >/dev/null || missing+=(kubernetes-client)

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages (${missing[*]}); run as root to install them" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
