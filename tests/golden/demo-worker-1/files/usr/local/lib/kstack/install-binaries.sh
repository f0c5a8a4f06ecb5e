#!/bin/sh
# Installs the pinned binaries, each verified against its sha256 before it is used.
set -eu

case "$(uname -m)" in
  x86_64) arch=amd64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *)
    echo "unsupported architecture $(uname -m)" >&2
    exit 1
    ;;
esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# fetch FILE URL SHA256: downloads with retries until the checksum matches.
fetch() {
  attempt=1
  while [ "$attempt" -le 6 ]; do
    if curl -fsSL --connect-timeout 20 --retry 3 --retry-delay 2 -o "$1.part" "$2" &&
      echo "$3  $1.part" | sha256sum -c --quiet -; then
      mv "$1.part" "$1"
      return 0
    fi
    echo "download of $2 failed or its sha256 differs (attempt $attempt)" >&2
    rm -f "$1.part"
    sleep $((attempt * 5))
    attempt=$((attempt + 1))
  done
  echo "giving up on $2" >&2
  return 1
}

if [ "$arch" = amd64 ]; then
  # kubelet 1.34.4
  fetch "$work/kubelet" 'https://dl.k8s.io/release/v1.34.4/bin/linux/amd64/kubelet' '03b8fea715a7ef82eeaf518dee34c72670c57cc7bc40dc1320c04fbf4f15172f'
  # kubectl 1.34.4
  fetch "$work/kubectl" 'https://dl.k8s.io/release/v1.34.4/bin/linux/amd64/kubectl' 'd50c359d95e0841eaad08ddc27c7be37cba8fdccfba5c8e2ded65e121ff112db'
  # containerd 2.2.1
  fetch "$work/containerd.tar.gz" 'https://github.com/containerd/containerd/releases/download/v2.2.1/containerd-2.2.1-linux-amd64.tar.gz' 'f5d8e90ecb6c1c7e33ecddf8cc268a93b9e5b54e0e850320d765511d76624f41'
  # runc 1.3.4
  fetch "$work/runc" 'https://github.com/opencontainers/runc/releases/download/v1.3.4/runc.amd64' '5966ca40b6187b30e33bfc299c5f1fe72e8c1aa01cf3fefdadf391668f47f103'
  # cni-plugins 1.8.0
  fetch "$work/cni-plugins.tgz" 'https://github.com/containernetworking/plugins/releases/download/v1.8.0/cni-plugins-linux-amd64-v1.8.0.tgz' 'ab3bda535f9d90766cccc90d3dddb5482003dd744d7f22bcf98186bf8eea8be6'
  # crictl 1.34.0
  fetch "$work/crictl.tar.gz" 'https://github.com/kubernetes-sigs/cri-tools/releases/download/v1.34.0/crictl-v1.34.0-linux-amd64.tar.gz' 'a8ff2a3edb37a98daf3aba7c3b284fe0aa5bff24166d896ab9ef64c8913c9f51'
else
  # kubelet 1.34.4
  fetch "$work/kubelet" 'https://dl.k8s.io/release/v1.34.4/bin/linux/arm64/kubelet' 'c78845473c434ee85a2444eeab87f8b20f524e3ab6854a078f79468f44aad8f5'
  # kubectl 1.34.4
  fetch "$work/kubectl" 'https://dl.k8s.io/release/v1.34.4/bin/linux/arm64/kubectl' '5b982c0644ab1e27780246b9085a5886651b4a7ed86243acbb2bacc1bea01dda'
  # containerd 2.2.1
  fetch "$work/containerd.tar.gz" 'https://github.com/containerd/containerd/releases/download/v2.2.1/containerd-2.2.1-linux-arm64.tar.gz' 'dac15a0d412a24be8bfe6a40cec8f51829062725169f1e72ac7d120a891ef5b6'
  # runc 1.3.4
  fetch "$work/runc" 'https://github.com/opencontainers/runc/releases/download/v1.3.4/runc.arm64' 'd6dcab36d1b6af1b72c7f0662e5fcf446a291271ba6006532b95c4144e19d428'
  # cni-plugins 1.8.0
  fetch "$work/cni-plugins.tgz" 'https://github.com/containernetworking/plugins/releases/download/v1.8.0/cni-plugins-linux-arm64-v1.8.0.tgz' '57ce466fc3b79db1f19b8f4c63e07a1112306efa53c94fe810a2150dd9e07ddb'
  # crictl 1.34.0
  fetch "$work/crictl.tar.gz" 'https://github.com/kubernetes-sigs/cri-tools/releases/download/v1.34.0/crictl-v1.34.0-linux-arm64.tar.gz' 'c31d252e203df5f4cf37f314bd3092eb79087e791631c1e607087c74b6d0423f'
fi

install -m 0755 "$work/kubelet" /usr/local/bin/kubelet
install -m 0755 "$work/kubectl" /usr/local/bin/kubectl
install -m 0755 "$work/runc" /usr/local/sbin/runc
tar -C /usr/local -xzf "$work/containerd.tar.gz"
mkdir -p /opt/cni/bin
tar -C /opt/cni/bin -xzf "$work/cni-plugins.tgz"
tar -C /usr/local/bin -xzf "$work/crictl.tar.gz" crictl
echo "installed kubelet, kubectl, containerd, runc, CNI plugins and crictl for $arch"
