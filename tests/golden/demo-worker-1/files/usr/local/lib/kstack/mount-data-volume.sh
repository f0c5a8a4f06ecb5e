#!/bin/sh
# Usage: mount-data-volume.sh VOLUME_ID MOUNTPOINT
set -eu
volume_id=$1
mountpoint=$2
short_id=$(printf '%.20s' "$volume_id")

if mountpoint -q "$mountpoint"; then
  echo "data volume already mounted at $mountpoint"
  exit 0
fi

device=
attempt=0
while [ -z "$device" ] && [ "$attempt" -lt 90 ]; do
  for link in "/dev/disk/by-id/virtio-$short_id" \
    "/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_$volume_id" \
    "/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_$short_id"; do
    if [ -b "$link" ]; then
      device=$(readlink -f "$link")
      break
    fi
  done
  if [ -z "$device" ]; then
    attempt=$((attempt + 1))
    udevadm settle || true
    sleep 2
  fi
done
if [ -z "$device" ]; then
  echo "no block device for volume $volume_id under /dev/disk/by-id" >&2
  exit 1
fi

# blkid -p exits 2 when the device carries no signature at all: only then is it formatted.
set +e
blkid -p "$device" >/dev/null 2>&1
probe=$?
set -e
case "$probe" in
  2)
    echo "formatting empty volume $volume_id ($device) as ext4"
    mkfs.ext4 -q -L kstack-data "$device"
    ;;
  0) echo "volume $volume_id ($device) already has data: not formatting" ;;
  *)
    echo "cannot probe $device (blkid exit $probe): refusing to format" >&2
    exit 1
    ;;
esac

uuid=$(blkid -s UUID -o value "$device")
if [ -z "$uuid" ]; then
  echo "volume $volume_id ($device) holds no filesystem with a UUID (a partition table?): not mounting" >&2
  exit 1
fi
mkdir -p "$mountpoint"
if ! grep -q "^UUID=$uuid " /etc/fstab; then
  printf 'UUID=%s %s auto defaults,nofail,x-systemd.device-timeout=90s 0 2\n' "$uuid" "$mountpoint" >>/etc/fstab
fi
mount "$mountpoint"
