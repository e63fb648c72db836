"""Build the frozen Inkaso (dist/inkaso/) in a clean venv and smoke-test it.

    python installers/build.py             venv under build/venv, PyInstaller, smoke test
    python installers/build.py --no-smoke  build only
    python installers/build.py --smoke     smoke-test an existing dist/inkaso only

The venv holds the project (installed, not editable, so ``inkaso --version`` reads real
metadata) and PyInstaller, nothing from [test]. pip honours PIP_FIND_LINKS / PIP_INDEX_URL as
usual. Works on Linux and Windows (build.ps1 calls it, then Inno Setup). Outputs:

    dist/inkaso/              the one-folder build: inkaso, inkaso-gui, _internal/
    build/icons/              PNG and ICO icons rendered from resources/icons/inkaso.svg
    build/build-report.json   build time, size and the smoke-test results
"""

from __future__ import annotations

import argparse
import contextlib
import gettext
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build"
VENV = BUILD / "venv"
DIST = ROOT / "dist"
APP_DIR = DIST / "inkaso"
SPEC = ROOT / "installers" / "pyinstaller" / "inkaso.spec"
PYINSTALLER = "pyinstaller>=6.6"
LANGUAGES = ("pl", "en", "ru")
WINDOWS = sys.platform == "win32"


def say(message: str) -> None:
    sys.stdout.write(f"[build] {message}\n")
    sys.stdout.flush()


def run(cmd: list[str], **kwargs: object) -> None:
    say("$ " + " ".join(str(c) for c in cmd))
    subprocess.run(cmd, check=True, **kwargs)  # type: ignore[call-overload]


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if WINDOWS else "bin/python")


def project_version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return str(tomllib.load(handle)["project"]["version"])


def check_sources() -> None:
    missing = [
        lang
        for lang in LANGUAGES
        if not (ROOT / "resources" / "locale" / lang / "LC_MESSAGES" / "inkaso.po").exists()
    ]
    if missing:
        raise SystemExit(
            "no gettext catalogue for " + ", ".join(missing) + " under resources/locale; "
            "run `python installers/translations.py update` first"
        )


def make_venv() -> Path:
    python = venv_python()
    if not python.exists():
        run([sys.executable, "-m", "venv", str(VENV)])
    run([str(python), "-m", "pip", "install", "-q", "--upgrade", str(ROOT), PYINSTALLER])
    return python


def render_icons(python: Path) -> None:
    run([str(python), str(ROOT / "installers" / "render_icons.py"), str(BUILD / "icons")])


def freeze(python: Path) -> float:
    start = time.monotonic()
    run(
        [
            str(python),
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            "--distpath",
            str(DIST),
            "--workpath",
            str(BUILD / "pyinstaller"),
            str(SPEC),
        ],
        cwd=ROOT,
    )
    return time.monotonic() - start


def tree_size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.stat().st_size for p in files), len(files)


def exe(name: str) -> Path:
    return APP_DIR / (f"{name}.exe" if WINDOWS else name)


class Smoke:
    def __init__(self, work: Path) -> None:
        self.work = work
        self.env = {
            **os.environ,
            "INKASO_DATA_DIR": str(work / "data"),
            "QT_QPA_PLATFORM": "offscreen",
            "PYTHONUTF8": "1",
            "COLUMNS": "250",  # argparse must not wrap the help lines the checks look for
        }
        self.results: list[dict[str, object]] = []

    def run(self, name: str, *args: str, expect: int = 0) -> subprocess.CompletedProcess[str]:
        cmd = [str(exe(name)), *args]
        started = time.monotonic()
        done = subprocess.run(
            cmd, capture_output=True, text=True, encoding="utf-8", env=self.env, timeout=300
        )
        took = round(time.monotonic() - started, 2)
        shown = " ".join([name, *args])
        say(f"smoke: {shown} -> exit {done.returncode} in {took} s")
        self.results.append({"command": shown, "exit": done.returncode, "seconds": took})
        if done.returncode != expect:
            sys.stdout.write(done.stdout[-3000:] + done.stderr[-3000:])
            raise SystemExit(f"smoke test failed: {shown} exited {done.returncode}, not {expect}")
        return done

    def check(self, ok: bool, what: str, output: str = "") -> None:
        if not ok:
            sys.stdout.write(output[-3000:])
            raise SystemExit(f"smoke test failed: {what}")


def smoke_test() -> list[dict[str, object]]:
    version = project_version()
    with tempfile.TemporaryDirectory(prefix="inkaso-smoke-") as tmp:
        s = Smoke(Path(tmp))
        db = str(Path(tmp) / "x.db")

        out = s.run("inkaso", "--version").stdout
        s.check(version in out, f"--version does not say {version}", out)
        say(f"  {out.strip()}")

        out = s.run(
            "inkaso", "--db", db, "demo", "--contractors", "20", "--invoices", "200",
            "--seed", "1", "--today", "2026-11-22",
        ).stdout  # fmt: skip
        say(f"  {out.strip()}")

        out = s.run("inkaso", "--db", db, "report", "aging", "--json").stdout
        report = json.loads(out)
        s.check(bool(report.get("currencies")), "report aging --json has no currencies", out)
        say(f"  aging report: {len(out)} bytes of JSON, currencies {sorted(report['currencies'])}")

        check_catalogues(s)

        # the PostgreSQL driver (psycopg + its binary libpq) is bundled: the failure is the
        # refused connection, not a missing module
        bad = s.run(
            "inkaso", "--db", "postgresql+psycopg://inkaso@127.0.0.1:9/none",
            "report", "aging", "--json", expect=3,
        ).stderr  # fmt: skip
        s.check("refused" in bad.lower() or "connection" in bad.lower(), "psycopg", bad)

        out = s.run("inkaso-gui", "--help").stdout
        s.check("--demo" in out, "inkaso-gui --help does not list --demo", out)

        # the bundle's own check: the database, the shipped letter templates and fonts
        out = s.run("inkaso-gui", "--self-test", "--db", db).stdout
        s.check(out.rstrip().endswith("self-test passed"), "inkaso-gui --self-test", out)
        say(f"  {out.strip().splitlines()[-2]}")

        gui_window(s, db)
        return s.results


def check_catalogues(s: Smoke) -> None:
    """The frozen app finds the compiled catalogues where ``resource_path("locale")`` points.

    Each bundled .mo must exist; where the Polish and Russian catalogues already translate a
    string of ``inkaso --help``, the frozen program must print that translation.
    """
    locale = APP_DIR / "_internal" / "resources" / "locale"
    for lang in LANGUAGES:
        mo = locale / lang / "LC_MESSAGES" / "inkaso.mo"
        s.check(mo.is_file(), f"{mo} is missing from the bundle")
    probes = (
        "Inkaso: receivables and dunning for small firms.",
        "language of messages and output",
    )
    for lang in ("pl", "ru"):
        with (locale / lang / "LC_MESSAGES" / "inkaso.mo").open("rb") as handle:
            catalogue = gettext.GNUTranslations(handle)
        wanted = [catalogue.gettext(p) for p in probes if catalogue.gettext(p) != p]
        out = s.run("inkaso", "--lang", lang, "--help").stdout
        missing = [w for w in wanted if w not in out]
        s.check(not missing, f"--lang {lang} --help lacks {missing}", out)
        say(f"  {lang}: catalogue bundled, {len(wanted)}/{len(probes)} --help probes translated")


def gui_window(s: Smoke, db: str, seconds: float = 12.0) -> None:
    """Start the window on the demo database; it must still be running after a while."""
    log = s.work / "gui.log"
    app_log = s.work / "data" / "logs" / "inkaso.log"
    seen = app_log.stat().st_size if app_log.exists() else 0  # the CLI runs logged before
    with log.open("w", encoding="utf-8") as handle:
        proc = subprocess.Popen(
            [str(exe("inkaso-gui")), "--db", db, "--today", "2026-11-22", "--lang", "pl"],
            stdout=handle,
            stderr=subprocess.STDOUT,
            env=s.env,
        )
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=seconds)
        alive = proc.poll() is None
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    output = log.read_text(encoding="utf-8", errors="replace")
    logged = ""
    if app_log.exists():
        with app_log.open("rb") as handle:
            handle.seek(seen)
            logged = handle.read().decode("utf-8", errors="replace")
    say(f"smoke: inkaso-gui --db x.db ran {seconds:.0f} s: {'alive' if alive else 'exited'}")
    s.results.append({"command": "inkaso-gui (window, offscreen)", "alive": alive})
    s.check(alive, "inkaso-gui exited early", output + logged)
    s.check("Traceback" not in output + logged, "inkaso-gui logged a traceback", output + logged)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--no-smoke", action="store_true", help="build, do not smoke-test")
    parser.add_argument("--smoke", action="store_true", help="smoke-test dist/inkaso only")
    args = parser.parse_args(argv)
    report: dict[str, object] = {"version": project_version(), "platform": sys.platform}
    if not args.smoke:
        check_sources()
        started = time.monotonic()
        python = make_venv()
        report["venv_seconds"] = round(time.monotonic() - started, 1)
        render_icons(python)
        if APP_DIR.exists():
            shutil.rmtree(APP_DIR)
        report["pyinstaller_seconds"] = round(freeze(python), 1)
        report["total_seconds"] = round(time.monotonic() - started, 1)
    if not exe("inkaso").exists():
        raise SystemExit(f"{exe('inkaso')} does not exist; build first")
    size, count = tree_size(APP_DIR)
    report["dist_bytes"], report["dist_files"] = size, count
    say(f"dist/inkaso: {size / 2**20:.1f} MiB in {count} files")
    if not args.no_smoke:
        report["smoke"] = smoke_test()
        say("smoke test passed")
    BUILD.mkdir(exist_ok=True)
    (BUILD / "build-report.json").write_text(json.dumps(report, indent=2) + "\n")
    say(f"report in {BUILD / 'build-report.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
