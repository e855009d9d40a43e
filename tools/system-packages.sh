#!/bin/sh
# Install (as root with apt-get) or name the system packages salesim uses.
#   sh tools/system-packages.sh        everything the tests need
#   sh tools/system-packages.sh play   what a practice call needs (voices, microphone)
set -u
want="espeak-ng sox libportaudio2 postgresql chromium"
[ "${1:-}" = "play" ] && want="espeak-ng libportaudio2"
missing=""
for pkg in $want; do
  case $pkg in
    espeak-ng) command -v espeak-ng >/dev/null 2>&1 || missing="$missing $pkg" ;;
    sox) command -v sox >/dev/null 2>&1 || missing="$missing $pkg" ;;
    postgresql) { command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; } || missing="$missing $pkg" ;;
    libportaudio2) { ldconfig -p 2>/dev/null | grep -q libportaudio; } || missing="$missing $pkg" ;;
    chromium) command -v chromium >/dev/null 2>&1 || missing="$missing $pkg" ;;
  esac
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system packages:$missing"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null && exit 0
  echo "apt-get could not install:$missing" >&2
  exit 1
fi
echo "Missing system packages:$missing" >&2
echo "  Debian/Ubuntu: sudo apt-get install$missing" >&2
echo "  (espeak-ng: buyer voices; sox: audio tests; libportaudio2: microphone; postgresql: team-database tests;" >&2
echo "   chromium: the HTML report test)" >&2
exit 1
