# shellcheck shell=bash
# Shared by the lab's scripts: where the cache lives, logging.
LAB_CACHE=${KSTACK_LAB_CACHE:-/var/cache/kstack-lab}
mkdir -p "$LAB_CACHE"
log() { printf '[lab %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
