#!/usr/bin/env bash
# Installs everything the server and its tests need, then builds the app.
# Idempotent: each step is skipped when its result is already there and up to date.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages: OpenCV for the capture/drawing/detection binding; ffmpeg to build test clips;
# chromium for the web console tests (driven by playwright-core, never a downloaded browser);
# mosquitto for the MQTT tests and postgresql for the PostgreSQL store's tests (both started by the
# tests themselves in temporary folders, never as a service); Noto fonts so names in every script
# are drawn on the stream.
SYSTEM_PACKAGES=(libopencv-dev ffmpeg chromium mosquitto mosquitto-clients postgresql fonts-noto-core fonts-noto-cjk)
missing=()
for package in "${SYSTEM_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "[setup] installing system packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "[setup] missing system packages; install them first:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

# Node packages (the OpenCV binding is compiled by the postinstall hook).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[setup] npm ci"
  npm ci --no-audit --no-fund
fi
node scripts/build-opencv-binding.js

# The app itself.
if [ ! -f dist/main.js ] || [ -n "$(find src nest-cli.json tsconfig.json tsconfig.build.json -newer dist/main.js -print -quit)" ]; then
  echo "[setup] building"
  npm run build
fi
echo "[setup] ready"
