"""Render resources/icons/inkaso.svg to the raster icons installers need.

    python installers/render_icons.py OUT_DIR

writes OUT_DIR/inkaso-256.png (and 16...512 sizes) for the Linux AppDir and OUT_DIR/inkaso.ico
for the Windows executables and installer. Uses Qt's own SVG renderer, so it needs only PySide6
(already a dependency); QT_QPA_PLATFORM=offscreen is set, so no display is needed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SVG = ROOT / "resources" / "icons" / "inkaso.svg"
PNG_SIZES = (16, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(out_dir: Path) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"cannot read {SVG}")
    out_dir.mkdir(parents=True, exist_ok=True)

    def image(size: int) -> QImage:
        img = QImage(size, size, QImage.Format.Format_ARGB32)
        img.fill(Qt.GlobalColor.transparent)
        painter = QPainter(img)
        renderer.render(painter)
        painter.end()
        return img

    written = []
    for size in PNG_SIZES:
        path = out_dir / f"inkaso-{size}.png"
        if not image(size).save(str(path), "PNG"):
            raise SystemExit(f"cannot write {path}")
        written.append(path)
    # Qt's ICO writer stores one image per file; an .ico with several sizes is assembled here
    # from PNG-compressed entries (valid since Windows Vista).
    written.append(_write_ico(out_dir / "inkaso.ico", [(s, image(s)) for s in ICO_SIZES]))
    return written


def _write_ico(path: Path, images: list[tuple[int, object]]) -> Path:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    blobs = []
    for size, img in images:
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        img.save(buffer, "PNG")  # type: ignore[attr-defined]
        buffer.close()
        blobs.append((size, bytes(data.data())))
    header = (
        (0).to_bytes(2, "little") + (1).to_bytes(2, "little") + len(blobs).to_bytes(2, "little")
    )
    entries = b""
    offset = 6 + 16 * len(blobs)
    for size, blob in blobs:
        side = 0 if size >= 256 else size  # 0 means 256 in an ICONDIRENTRY
        entries += bytes([side, side, 0, 0])
        entries += (1).to_bytes(2, "little") + (32).to_bytes(2, "little")
        entries += len(blob).to_bytes(4, "little") + offset.to_bytes(4, "little")
        offset += len(blob)
    path.write_bytes(header + entries + b"".join(blob for _size, blob in blobs))
    return path


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        sys.stderr.write(__doc__ or "")
        return 2
    for path in render(Path(argv[1])):
        sys.stdout.write(f"{path}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
