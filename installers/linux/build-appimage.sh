#!/bin/sh
# Turn the PyInstaller build (dist/inkaso/, made by installers/build.py) into an AppImage.
#
#   installers/linux/build-appimage.sh [--download]
#
# Writes build/Inkaso.AppDir/ and, when appimagetool is available, dist/Inkaso-VERSION-ARCH.AppImage.
# appimagetool is looked for on PATH (or in APPIMAGETOOL); --download fetches the official
# continuous build into build/tools/ first. Without it the AppDir is still made, and the message
# says how to finish by hand.
set -eu
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DIST="$ROOT/dist/inkaso"
APPDIR="$ROOT/build/Inkaso.AppDir"
ARCH="${ARCH:-$(uname -m)}"
DOWNLOAD=0
for arg in "$@"; do
    case "$arg" in
        --download) DOWNLOAD=1 ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        *) echo "unknown option: $arg" >&2; exit 2 ;;
    esac
done

if [ ! -x "$DIST/inkaso-gui" ]; then
    echo "no $DIST/inkaso-gui: run 'python installers/build.py' first" >&2
    exit 1
fi
PYTHON="$ROOT/build/venv/bin/python"
[ -x "$PYTHON" ] || PYTHON=python3
VERSION="$("$PYTHON" -c 'import tomllib,sys; print(tomllib.load(open(sys.argv[1],"rb"))["project"]["version"])' "$ROOT/pyproject.toml")"

echo "AppDir: $APPDIR"
rm -rf "$APPDIR"
mkdir -p "$APPDIR/usr/lib" "$APPDIR/usr/bin" "$APPDIR/usr/share/applications" \
         "$APPDIR/usr/share/icons/hicolor/256x256/apps" "$APPDIR/usr/share/icons/hicolor/scalable/apps"
cp -a "$DIST" "$APPDIR/usr/lib/inkaso"
ln -s ../lib/inkaso/inkaso "$APPDIR/usr/bin/inkaso"
ln -s ../lib/inkaso/inkaso-gui "$APPDIR/usr/bin/inkaso-gui"
cp "$ROOT/installers/linux/AppRun" "$APPDIR/AppRun"
chmod +x "$APPDIR/AppRun"
cp "$ROOT/installers/linux/inkaso.desktop" "$APPDIR/inkaso.desktop"
cp "$ROOT/installers/linux/inkaso.desktop" "$APPDIR/usr/share/applications/inkaso.desktop"

# icon: a 256 px PNG at the AppDir root (AppImage needs a raster icon), the SVG for themes
SVG="$ROOT/resources/icons/inkaso.svg"
PNG="$APPDIR/usr/share/icons/hicolor/256x256/apps/inkaso.png"
if command -v rsvg-convert >/dev/null 2>&1; then
    rsvg-convert -w 256 -h 256 -o "$PNG" "$SVG"
else
    ICONS="$ROOT/build/icons"
    [ -f "$ICONS/inkaso-256.png" ] || "$PYTHON" "$ROOT/installers/render_icons.py" "$ICONS" >/dev/null
    cp "$ICONS/inkaso-256.png" "$PNG"
fi
cp "$SVG" "$APPDIR/usr/share/icons/hicolor/scalable/apps/inkaso.svg"
cp "$PNG" "$APPDIR/inkaso.png"
ln -s inkaso.png "$APPDIR/.DirIcon"

# the AppDir's own program checks itself (database, letter templates and fonts) before packing
QT_QPA_PLATFORM=offscreen INKASO_DATA_DIR="$(mktemp -d)" "$APPDIR/AppRun" --self-test

if command -v desktop-file-validate >/dev/null 2>&1; then
    desktop-file-validate "$APPDIR/inkaso.desktop"
    echo "desktop-file-validate: inkaso.desktop is valid"
else
    echo "desktop-file-validate not found (apt-get install desktop-file-utils); .desktop not validated"
fi

TOOL="${APPIMAGETOOL:-}"
[ -n "$TOOL" ] || TOOL="$(command -v appimagetool || true)"
[ -n "$TOOL" ] || { [ -x "$ROOT/build/tools/appimagetool" ] && TOOL="$ROOT/build/tools/appimagetool"; }
if [ -z "$TOOL" ] && [ "$DOWNLOAD" = 1 ]; then
    mkdir -p "$ROOT/build/tools"
    URL="https://github.com/AppImage/appimagetool/releases/download/continuous/appimagetool-$ARCH.AppImage"
    echo "downloading $URL"
    curl -fL -o "$ROOT/build/tools/appimagetool" "$URL"
    chmod +x "$ROOT/build/tools/appimagetool"
    TOOL="$ROOT/build/tools/appimagetool"
fi
if [ -z "$TOOL" ]; then
    cat <<MSG
appimagetool not found, so no .AppImage was made; the AppDir is ready at
    $APPDIR
To finish, either rerun with --download (fetches appimagetool from its GitHub releases), or put
appimagetool on PATH (or set APPIMAGETOOL=/path/to/appimagetool) and rerun, or run it yourself:
    ARCH=$ARCH appimagetool "$APPDIR" "$ROOT/dist/Inkaso-$VERSION-$ARCH.AppImage"
You can also try the AppDir without packing it:  "$APPDIR/AppRun"
MSG
    exit 0
fi
OUT="$ROOT/dist/Inkaso-$VERSION-$ARCH.AppImage"
# APPIMAGE_EXTRACT_AND_RUN: appimagetool is itself an AppImage and may run where FUSE is missing
ARCH="$ARCH" APPIMAGE_EXTRACT_AND_RUN=1 "$TOOL" "$APPDIR" "$OUT"
echo "AppImage: $OUT"
