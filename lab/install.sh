#!/usr/bin/env bash
# Installs what the lab needs from Debian's packages (idempotent): the node container runtime, the root
# filesystem builder, the registry, the amphora's HAProxy, the router's dnsmasq, and runc's libseccomp.
set -euo pipefail
packages=(systemd-container debootstrap docker-registry haproxy dnsmasq-base libseccomp-dev iptables iproute2
  openssh-client python3-yaml python3-openstacksdk)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "lab install: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
