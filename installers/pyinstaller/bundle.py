"""What the frozen Inkaso carries besides its code; shared by ``inkaso.spec`` and the tests.

Everything here is plain Python (no PyInstaller import), so the tests can check the data list
without building anything. Paths in ``datas`` pairs are (source file, folder inside the bundle);
the folder mirrors the source tree because the app finds its files relative to its modules:
``resources/__init__.py`` (``resource_path``) and ``db/migrate.py`` (``MIGRATIONS_DIR``).
"""

from __future__ import annotations

import io
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "resources"
MIGRATIONS = ROOT / "db" / "migrations"
LOCALE = RESOURCES / "locale"

#: Under resources/: only for the README, not read by the app.
NOT_SHIPPED_DIRS = frozenset({"screenshots", "__pycache__"})
#: Sources of compiled files, and the package's own code (it is in the PYZ).
NOT_SHIPPED_SUFFIXES = frozenset({".po", ".pot", ".py", ".pyc", ".mo"})

#: Loaded by name at run time (entry points, dialect and backend lookup, Alembic's env.py),
#: so PyInstaller's import scan cannot see them. Packages are expanded with collect_submodules.
HIDDEN_PACKAGES = (
    # the file formats register themselves when formats.all_formats() imports them by name
    "desktop_app.importers",
    "keyring.backends",
    "aiosmtplib",
    "alembic.ddl",
    "apscheduler.triggers",
    "psycopg",
)
HIDDEN_MODULES = (
    "db.models",
    "alembic.context",
    "alembic.op",
    "alembic.runtime.migration",
    "alembic.script",
    "apscheduler.executors.pool",
    "apscheduler.jobstores.memory",
    "babel.dates",
    "babel.numbers",
    "babel.units",
    "sqlalchemy.dialects.sqlite",
    "sqlalchemy.dialects.sqlite.pysqlite",
    "sqlalchemy.dialects.postgresql",
    "sqlalchemy.dialects.postgresql.psycopg",
    "psycopg_binary",
    "platformdirs.unix",
    "platformdirs.windows",
)
#: Platform-specific keyring helpers: added when importable on the build machine.
OPTIONAL_HIDDEN_PACKAGES = ("secretstorage", "jeepney", "win32ctypes")
#: Distributions whose metadata the app reads: our own version (``inkaso --version``) and
#: the entry points that keyring and APScheduler use to find their backends and plugins.
METADATA = ("inkaso", "keyring", "APScheduler")

#: Qt modules Inkaso never imports (it uses QtCore, QtGui, QtWidgets, QtCharts for the
#: dashboard, QtPdf, QtPdfWidgets and QtPrintSupport for letters, and QtNetwork's local
#: sockets for the single instance).
QT_EXCLUDES = tuple(
    f"PySide6.{name}"
    for name in (
        "Qt3DAnimation",
        "Qt3DCore",
        "Qt3DExtras",
        "Qt3DInput",
        "Qt3DLogic",
        "Qt3DRender",
        "QtBluetooth",
        "QtConcurrent",
        "QtDataVisualization",
        "QtDesigner",
        "QtGraphs",
        "QtHelp",
        "QtHttpServer",
        "QtLocation",
        "QtMultimedia",
        "QtMultimediaWidgets",
        "QtNetworkAuth",
        "QtNfc",
        "QtOpenGL",
        "QtOpenGLWidgets",
        "QtPositioning",
        "QtQml",
        "QtQuick",
        "QtQuick3D",
        "QtQuickControls2",
        "QtQuickWidgets",
        "QtRemoteObjects",
        "QtScxml",
        "QtSensors",
        "QtSerialBus",
        "QtSerialPort",
        "QtSpatialAudio",
        "QtSql",
        "QtStateMachine",
        "QtSvgWidgets",
        "QtTest",
        "QtTextToSpeech",
        "QtUiTools",
        "QtWebChannel",
        "QtWebEngineCore",
        "QtWebEngineQuick",
        "QtWebEngineWidgets",
        "QtWebSockets",
        "QtWebView",
        "QtXml",
    )
)
#: Never needed by either program (development tools, other GUI toolkits).
EXCLUDES = ("tkinter", "pytest", "hypothesis", "mypy", "IPython", "matplotlib", "numpy")


def _tree(folder: Path, dest: str) -> list[tuple[str, str]]:
    pairs = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if not path.is_file() or NOT_SHIPPED_DIRS.intersection(rel.parts):
            continue
        if path.suffix in NOT_SHIPPED_SUFFIXES:
            continue
        pairs.append((str(path), str(Path(dest, *rel.parts[:-1]).as_posix())))
    return pairs


def resource_datas() -> list[tuple[str, str]]:
    """Everything under resources/ the app may read: icons, templates, data tables...
    (catalogues come compiled from :func:`locale_datas`)."""
    return _tree(RESOURCES, "resources")


def migration_datas() -> list[tuple[str, str]]:
    """Alembic reads env.py, the mako template and versions/*.py as files, not as imports."""
    pairs = [
        (str(path), Path("db", "migrations", *path.relative_to(MIGRATIONS).parts[:-1]).as_posix())
        for path in sorted(MIGRATIONS.rglob("*"))
        if path.is_file() and path.suffix in {".py", ".mako"} and "__pycache__" not in path.parts
    ]
    return pairs


def catalogues() -> list[Path]:
    """The gettext sources, ``resources/locale/<lang>/LC_MESSAGES/<domain>.po``."""
    return sorted(LOCALE.glob("*/LC_MESSAGES/*.po"))


def locale_datas(out_dir: Path) -> list[tuple[str, str]]:
    """Compile every .po into ``out_dir`` (never into the source tree) and list the .mo files.

    Same settings as ``installers/translations.py compile``: fuzzy entries are left out.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    pairs = []
    for po in catalogues():
        lang = po.parent.parent.name
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=lang, domain=po.stem)
        buffer = io.BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        mo = out_dir / lang / "LC_MESSAGES" / f"{po.stem}.mo"
        mo.parent.mkdir(parents=True, exist_ok=True)
        mo.write_bytes(buffer.getvalue())
        pairs.append((str(mo), f"resources/locale/{lang}/LC_MESSAGES"))
    return pairs


def datas(out_dir: Path) -> list[tuple[str, str]]:
    return resource_datas() + locale_datas(out_dir) + migration_datas()
