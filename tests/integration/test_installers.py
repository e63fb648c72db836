"""The installer sources stay in step with the code, checked without building anything.

The full PyInstaller build (``python installers/build.py``) takes minutes and is not run here.
Instead the spec is executed with PyInstaller's build classes replaced by recorders, and what it
would bundle is compared with what the code reads at run time, found by scanning the code
(``resource_path(...)`` calls, ``Path(__file__)``-relative folders), not by copying the spec.
"""

from __future__ import annotations

import ast
import configparser
import importlib.util
import re
import shutil
import subprocess
import sys
import tomllib
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from desktop_app import autostart

ROOT = Path(__file__).resolve().parents[2]
INSTALLERS = ROOT / "installers"
SPEC = INSTALLERS / "pyinstaller" / "inkaso.spec"
DESKTOP = INSTALLERS / "linux" / "inkaso.desktop"
ISS = INSTALLERS / "windows" / "inkaso.iss"
APP_SOURCES = ("desktop_app", "db", "ui", "resources")


def _pyproject() -> dict[str, Any]:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)


def _load(path: Path, name: str) -> types.ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class Built:
    """What the spec asked PyInstaller to build."""

    analyses: list[dict[str, Any]] = field(default_factory=list)
    exes: list[dict[str, Any]] = field(default_factory=list)
    collects: list[tuple[tuple[Any, ...], dict[str, Any]]] = field(default_factory=list)
    metadata: list[str] = field(default_factory=list)
    exe_type: type = object

    @property
    def datas(self) -> set[tuple[str, str]]:
        return {(str(src), str(dest)) for a in self.analyses for src, dest in a["datas"]}

    def bundled(self) -> set[str]:
        """Paths inside the bundle, relative to its root (``_internal/``)."""
        return {f"{dest}/{Path(src).name}" for src, dest in self.datas}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    record = Built()

    class Analysis:
        def __init__(self, scripts: list[str], **kwargs: Any) -> None:
            record.analyses.append({"scripts": scripts, **kwargs})
            self.pure: list[Any] = []
            self.scripts = list(scripts)
            self.binaries: list[Any] = []
            self.datas = kwargs.get("datas", [])

    class Exe:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            self.name = kwargs["name"]
            record.exes.append({"args": args, **kwargs})

    record.exe_type = Exe

    def collect(*args: Any, **kwargs: Any) -> None:
        record.collects.append((args, kwargs))

    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_submodules = lambda package, **_kw: [package]  # type: ignore[attr-defined]
    hooks.copy_metadata = lambda dist, **_kw: record.metadata.append(dist) or []  # type: ignore[attr-defined]
    stubs = {
        "PyInstaller": types.ModuleType("PyInstaller"),
        "PyInstaller.utils": types.ModuleType("PyInstaller.utils"),
        "PyInstaller.utils.hooks": hooks,
    }
    namespace = {
        "__file__": str(SPEC),
        "__name__": "__main__",
        "SPECPATH": str(SPEC.parent),
        "workpath": str(tmp_path_factory.mktemp("pyinstaller-work")),
        "DISTPATH": str(ROOT / "dist"),
        "Analysis": Analysis,
        "PYZ": lambda pure, *a, **k: ("PYZ", pure),
        "EXE": Exe,
        "COLLECT": collect,
    }
    saved_path, saved_modules = list(sys.path), dict(sys.modules)
    sys.modules.update(stubs)
    try:
        exec(compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec"), namespace)
    finally:
        sys.path[:] = saved_path
        for name in set(sys.modules) - set(saved_modules):
            del sys.modules[name]
        sys.modules.update(saved_modules)
    return record


def _collect_name(built: Built) -> str:
    assert len(built.collects) == 1, "one COLLECT: both programs share one folder"
    return str(built.collects[0][1]["name"])


# --- the spec -----------------------------------------------------------------------------------


def test_spec_compiles_as_python() -> None:
    compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec")


def test_spec_builds_the_two_entry_points_into_one_folder(built: Built) -> None:
    project = _pyproject()["project"]
    wanted = {
        **{name: (target, True) for name, target in project["scripts"].items()},
        **{name: (target, False) for name, target in project["gui-scripts"].items()},
    }
    exes = {exe["name"]: exe for exe in built.exes}
    assert set(exes) == set(wanted)
    for name, (target, console) in wanted.items():
        exe = exes[name]
        assert exe["console"] is console, name
        assert exe["exclude_binaries"] is True, f"{name}: one-dir build"
        # the script the program runs calls the same function as the installed entry point
        module, function = target.split(":")
        scripts = [Path(s) for s in exe["args"][1]]
        assert len(scripts) == 1 and scripts[0].is_file(), scripts
        tree = ast.parse(scripts[0].read_text(encoding="utf-8"))
        imports = {
            (node.module, alias.name)
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
            for alias in node.names
        }
        assert (module, function) in imports, f"{scripts[0].name} does not call {target}"
    args, _kwargs = built.collects[0]
    collected = [a for a in args if isinstance(a, built.exe_type)]
    assert sorted(e.name for e in collected) == sorted(wanted), "both programs in one COLLECT"
    assert _collect_name(built) == "inkaso"


def test_every_bundled_file_exists(built: Built) -> None:
    assert built.datas
    missing = [src for src, _dest in built.datas if not Path(src).is_file()]
    assert not missing


def test_hidden_imports_exist(built: Built) -> None:
    hidden = {name for a in built.analyses for name in a["hiddenimports"]}
    assert "db.models" in hidden, "Alembic's env.py imports db.models by file, unseen"
    missing = [name for name in sorted(hidden) if importlib.util.find_spec(name) is None]
    assert not missing
    assert "inkaso" in built.metadata, "inkaso --version reads the installed metadata"


def test_cli_is_built_without_qt(built: Built) -> None:
    for analysis in built.analyses:
        if any(Path(s).name == "inkaso_cli.py" for s in analysis["scripts"]):
            assert "PySide6" in analysis["excludes"]
            break
    else:
        pytest.fail("no analysis for the command line")


def test_every_qt_module_the_gui_imports_is_bundled(built: Built) -> None:
    """An excluded Qt module the GUI imports would crash the installed program when it is first
    used (letters: QtPdf, QtPdfWidgets, QtPrintSupport)."""
    used: set[str] = set()
    for path in sorted((ROOT / "ui").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("PySide6."):
                used.add(str(node.module))
            elif isinstance(node, ast.Import):
                used |= {a.name for a in node.names if a.name.startswith("PySide6.")}
    assert {"PySide6.QtPdf", "PySide6.QtPdfWidgets"} <= used
    excluded = {name for a in built.analyses for name in a["excludes"]}
    assert sorted(used & excluded) == []


# --- what the code reads at run time ------------------------------------------------------------


def _python_files() -> list[Path]:
    return [
        path
        for source in APP_SOURCES
        for path in sorted((ROOT / source).rglob("*.py"))
        if "__pycache__" not in path.parts and "versions" not in path.parts
    ]


def _resource_references() -> set[tuple[str, ...]]:
    """Every ``resource_path("a", "b")`` in the code, as ("a", "b")."""
    found: set[tuple[str, ...]] = set()
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "resource_path"
                and node.args
                and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in node.args)
            ):
                found.add(tuple(a.value for a in node.args))  # type: ignore[attr-defined]
    return found


def _module_relative_dirs() -> set[Path]:
    """Folders the code finds next to its own module: ``Path(__file__)...parent / "name"``."""
    found: set[Path] = set()
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.BinOp)
                and isinstance(node.op, ast.Div)
                and isinstance(node.right, ast.Constant)
                and isinstance(node.right.value, str)
                and "__file__" in ast.unparse(node.left)
                and ast.unparse(node.left).endswith(".parent")
            ):
                found.add(path.parent / node.right.value)
    return found


def test_the_scan_finds_what_we_know_the_app_reads() -> None:
    """Guards the scanner itself: if it found nothing the checks below would pass vacuously."""
    tops = {ref[0] for ref in _resource_references()}
    assert {"icons", "locale", "templates"} <= tops
    assert ROOT / "db" / "migrations" in _module_relative_dirs()


@pytest.mark.parametrize("reference", sorted(_resource_references()), ids="/".join)
def test_resources_the_app_reads_are_bundled(built: Built, reference: tuple[str, ...]) -> None:
    source = ROOT.joinpath("resources", *reference)
    bundled = built.bundled()
    if reference[0] == "locale":
        catalogues = sorted(source.glob("*/LC_MESSAGES/*.po"))
        if not catalogues:
            pytest.skip("resources/locale has no .po catalogues in this checkout")
        for po in catalogues:
            mo = po.relative_to(ROOT).with_suffix(".mo").as_posix()
            assert mo in bundled, f"{mo} (compiled from {po.name}) is not bundled"
        return
    assert source.exists(), f"the code reads resources/{'/'.join(reference)}, which is missing"
    files = [source] if source.is_file() else sorted(p for p in source.rglob("*") if p.is_file())
    files = [f for f in files if "__pycache__" not in f.parts and f.suffix not in {".py", ".pyc"}]
    assert files, f"resources/{'/'.join(reference)} is empty"
    not_bundled = [f.relative_to(ROOT).as_posix() for f in files]
    not_bundled = [f for f in not_bundled if f not in bundled]
    assert not not_bundled


@pytest.mark.parametrize(
    "folder", sorted(_module_relative_dirs()), ids=lambda p: p.relative_to(ROOT).as_posix()
)
def test_module_relative_folders_are_bundled(built: Built, folder: Path) -> None:
    assert folder.is_dir(), f"{folder.relative_to(ROOT)} is read by the code but missing"
    needed = [
        p.relative_to(ROOT).as_posix()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    ]
    assert needed
    bundled = built.bundled()
    assert [p for p in needed if p not in bundled] == []


def test_alembic_finds_env_and_revisions_in_the_bundle(built: Built) -> None:
    bundled = built.bundled()
    migrations = (ROOT / "db" / "migrations").relative_to(ROOT).as_posix()
    assert f"{migrations}/env.py" in bundled
    versions = sorted((ROOT / "db" / "migrations" / "versions").glob("*.py"))
    assert versions
    for revision in versions:
        assert revision.relative_to(ROOT).as_posix() in bundled


def test_readme_screenshots_are_not_shipped(built: Built) -> None:
    assert not [p for p in built.bundled() if p.startswith("resources/screenshots/")]


# --- Linux --------------------------------------------------------------------------------------


def _desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_file_has_the_required_keys() -> None:
    entry = _desktop_entry()
    for key in ("Name", "Name[pl]", "Name[ru]", "Comment", "Comment[pl]", "Comment[ru]"):
        assert entry.get(key, "").strip(), key
    assert entry["Type"] == "Application"
    gui = next(iter(_pyproject()["project"]["gui-scripts"]))
    assert entry["Exec"].split()[0] == gui
    assert entry["Icon"] == "inkaso"
    assert (ROOT / "resources" / "icons" / "inkaso.svg").is_file()
    categories = entry["Categories"]
    assert categories.endswith(";")
    assert {"Office", "Finance"} <= set(categories.split(";"))


@pytest.mark.skipif(not shutil.which("desktop-file-validate"), reason="desktop-file-utils missing")
def test_desktop_file_validates() -> None:
    done = subprocess.run(
        ["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr


@pytest.mark.skipif(not shutil.which("sh"), reason="no POSIX shell")
@pytest.mark.parametrize("script", ["build-appimage.sh", "AppRun"])
def test_linux_shell_scripts_parse(script: str) -> None:
    done = subprocess.run(
        ["sh", "-n", str(INSTALLERS / "linux" / script)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_apprun_starts_the_bundled_programs(built: Built) -> None:
    text = (INSTALLERS / "linux" / "AppRun").read_text(encoding="utf-8")
    folder = _collect_name(built)
    for exe in built.exes:
        assert f"usr/lib/{folder}/{exe['name']}" in text


# --- Windows ------------------------------------------------------------------------------------


def _iss() -> str:
    return ISS.read_text(encoding="utf-8-sig")


def _defines(text: str) -> dict[str, str]:
    return dict(re.findall(r'^#define\s+(\w+)\s+"([^"]*)"', text, flags=re.MULTILINE))


def _section(text: str, name: str) -> list[str]:
    match = re.search(rf"^\[{name}\]\s*$(.*?)(?=^\[|\Z)", text, flags=re.MULTILINE | re.DOTALL)
    assert match, f"no [{name}] section"
    return [
        line.strip()
        for line in match.group(1).splitlines()
        if line.strip() and not line.strip().startswith(";")
    ]


def _expand(value: str, defines: dict[str, str]) -> str:
    return re.sub(r"\{#(\w+)\}", lambda m: defines[m.group(1)], value)


def test_iss_installs_the_folder_the_spec_produces(built: Built) -> None:
    text = _iss()
    defines = _defines(text)
    sources = [
        _expand(m.group(1), defines)
        for line in _section(text, "Files")
        if (m := re.match(r'Source:\s*"([^"]+)"', line))
    ]
    assert sources, "[Files] has no Source"
    dist = ROOT / "dist" / _collect_name(built)
    for source in sources:
        folder = source.rsplit("\\", 1)[0] if source.endswith("\\*") else source
        resolved = (ISS.parent / folder.replace("\\", "/")).resolve()
        assert resolved == dist.resolve(), source
    exe_names = {f"{exe['name']}.exe" for exe in built.exes}
    shortcuts = " ".join(_section(text, "Icons"))
    targets = set(re.findall(r'Filename:\s*"\{app\}\\([^"]+)"', _expand(shortcuts, defines)))
    assert targets and targets <= exe_names


def test_iss_takes_its_version_from_the_command_line() -> None:
    text = _iss()
    assert re.search(r"^#ifndef AppVersion$", text, flags=re.MULTILINE)
    assert "AppVersion" not in _defines(text), "the version must come from /DAppVersion=..."
    setup = _section(text, "Setup")
    assert "AppVersion={#AppVersion}" in setup
    assert any("{#AppVersion}" in line for line in setup if line.startswith("OutputBaseFilename"))
    build_ps1 = (INSTALLERS / "windows" / "build.ps1").read_text(encoding="utf-8")
    assert "/DAppVersion=" in build_ps1 and "inkaso.iss" in build_ps1


def test_iss_setup_choices() -> None:
    text = _iss()
    setup = dict(line.split("=", 1) for line in _section(text, "Setup"))
    assert re.fullmatch(r"\{\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}", setup["AppId"])
    assert setup["PrivilegesRequired"] == "lowest"
    assert setup["PrivilegesRequiredOverridesAllowed"] == "dialog"
    icon = (ISS.parent / setup["SetupIconFile"].replace("\\", "/")).resolve()
    assert icon == (ROOT / "build" / "icons" / "inkaso.ico").resolve()
    assert "inkaso.ico" in (INSTALLERS / "render_icons.py").read_text(encoding="utf-8")
    languages = " ".join(_section(text, "Languages"))
    for isl in ("Default.isl", r"Languages\Polish.isl", r"Languages\Russian.isl"):
        assert f"compiler:{isl}" in languages
    assert ISS.read_bytes().startswith(b"\xef\xbb\xbf"), "UTF-8 BOM, or ISCC garbles pl/ru text"
    # data lives in the platformdirs user data folder; nothing may tell the uninstaller to delete it
    assert not re.search(r"^\[UninstallDelete\]", text, flags=re.MULTILINE)


def test_iss_autostart_task_writes_the_run_value_the_app_writes() -> None:
    text = _iss()
    defines = _defines(text)
    tasks = " ".join(_section(text, "Tasks"))
    assert 'Name: "startup"' in tasks
    entries = [_expand(line, defines) for line in _section(text, "Registry")]
    run = next(line for line in entries if "Tasks: startup" in line)
    assert f'Subkey: "{autostart.RUN_KEY}"' in run
    assert f'ValueName: "{autostart.RUN_VALUE}"' in run
    assert f"{autostart.MINIMIZED}" in run and "HKCU" in run
    assert "uninsdeletevalue" in run  # no start at login once uninstalled
    assert not any("{autostartup}" in line for line in _section(text, "Icons"))  # not twice


def test_iss_uninstaller_says_the_data_folder_is_kept() -> None:
    text = _iss()
    messages = dict(line.split("=", 1) for line in _section(text, "CustomMessages") if "=" in line)
    for lang in ("en", "pl", "ru"):
        assert "%1" in messages[f"{lang}.DataKept"]
    code = text[text.index("[Code]") :]
    assert "usPostUninstall" in code and "CustomMessage('DataKept')" in code
    assert "{localappdata}" in code
