#!/usr/bin/env bash
# Installs the manifest checker's npm packages exactly as package-lock.json pins them.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --loglevel=error
