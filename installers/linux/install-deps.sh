#!/bin/sh
# Debian packages Inkaso needs, installed only when missing (a second run costs nothing).
#   install-deps.sh         what the desktop app needs to open a window (Qt's xcb libraries)
#   install-deps.sh --test  also what the test suite needs: a PostgreSQL server for the
#                           multi-seat tests, poppler to read generated PDFs back and
#                           desktop-file-utils to validate the Linux .desktop entry
set -eu
PACKAGES="libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 fonts-dejavu-core
libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 libxcb-randr0
libxcb-render-util0 libxcb-image0"
if [ "${1:-}" = "--test" ]; then
    PACKAGES="$PACKAGES postgresql poppler-utils desktop-file-utils"
fi
missing=""
for pkg in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing Debian packages:$missing" >&2
$SUDO apt-get update -qq >&2
# The postgresql package would start a system cluster we never use; tests start their own.
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >&2
