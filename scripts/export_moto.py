"""Export the service into a moto source tree as ``moto/customerprofiles/``.

    python scripts/export_moto.py MOTO_SOURCE_TREE

MOTO_SOURCE_TREE is an unpacked moto source distribution (CI uses the sdist of the
moto release this project pins). The export copies the models, their data files and the
generated service layer (``responses.py``, ``urls.py``) unchanged, writes the package's
``__init__.py``, and adds every registration moto needs: the backend's URL pattern
(``backend_index.py``), its name and type (``backends.py``), the ``customerprofiles``
extra with sqlglot (``setup.cfg``) and the data files (``MANIFEST.in``). Running it twice
changes nothing the second time. The exported folder is then formatted and linted with
the tree's own ruff settings; ``--check`` also type-checks it with the tree's mypy
settings (moto and the service's dependencies must be importable for that).

The exported tree never imports ``customerprofiles_mock``; the export fails if it would.
"""

from __future__ import annotations

import argparse
import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent / "customerprofiles_mock"
SERVICE = "customerprofiles"
#: What moves into moto: the models and what they import, and moto's service layer.
MODULES = ("clock.py", "effects.py", "exceptions.py", "responses.py", "timing.py", "urls.py")
FOLDERS = ("models", "data")
URL_PATTERN = '"https?://profile\\\\.(.+)\\\\.amazonaws\\\\.com"'

INIT = '''"""Amazon Connect Customer Profiles (boto3 client ``customer-profiles``)."""

from .models import customerprofiles_backends  # noqa: F401
'''


class ExportError(Exception):
    """The tree is not a moto source tree, or the export would be wrong."""


def _copy(target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    (target / "__init__.py").write_text(INIT)
    for name in MODULES:
        shutil.copy2(SOURCE / name, target / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in FOLDERS:
        shutil.copytree(SOURCE / name, target / name, ignore=ignore)


def _check_imports(target: Path) -> None:
    """Relative imports must stay inside the package, and nothing names the plugin."""
    for path in sorted(target.rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        depth_of_file = len(path.relative_to(target).parts) - 1
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level and node.level - 1 > depth_of_file:
                    raise ExportError(f"{path}: import leaves moto/{SERVICE}: line {node.lineno}")
                if node.level and node.level - 1 == depth_of_file:
                    module = (node.module or "").split(".")[0]
                    wanted = {n.rsplit(".", 1)[0] for n in MODULES} | set(FOLDERS)
                    if module and module not in wanted:
                        raise ExportError(
                            f"{path}:{node.lineno}: imports .{module}, which is not exported"
                        )
                names = [node.module or ""]
            for name in names:
                if name.split(".")[0] == "customerprofiles_mock":
                    raise ExportError(f"{path}:{node.lineno}: imports {name}")


def _insert_once(text: str, marker: str, addition: str, where: str) -> str:
    """Insert ``addition`` before the first line starting with ``marker`` (once)."""
    if addition in text:
        return text
    found = re.search(rf"^{re.escape(marker)}", text, flags=re.M)
    if found is None:
        raise ExportError(f"{where}: no line starts with {marker!r}")
    return text[: found.start()] + addition + text[found.start() :]


def _register(tree: Path) -> None:
    index = tree / "moto" / "backend_index.py"
    text = index.read_text()
    text = _insert_once(
        text,
        '    ("databrew",',
        f'    ("{SERVICE}", re.compile({URL_PATTERN})),\n',
        str(index),
    )
    index.write_text(text)

    backends = tree / "moto" / "backends.py"
    text = backends.read_text()
    text = _insert_once(
        text,
        "    from moto.databrew.models import",
        f"    from moto.{SERVICE}.models import CustomerProfilesBackend\n",
        str(backends),
    )
    text = _insert_once(
        text,
        "    \"Literal['databrew']\",",
        "    \"Literal['customer-profiles']\",\n",
        str(backends),
    )
    text = _insert_once(
        text,
        "@overload\ndef get_backend(name: \"Literal['databrew']\")",
        "@overload\ndef get_backend(\n    name: \"Literal['customer-profiles']\",\n"
        ') -> "BackendDict[CustomerProfilesBackend]": ...\n',
        str(backends),
    )
    backends.write_text(text)

    setup = tree / "setup.cfg"
    text = setup.read_text()
    if f"\n{SERVICE} =" not in text:
        text = _insert_once(text, "databrew =", f"{SERVICE} = sqlglot>=25\n", str(setup))
        for extra in ("all", "server"):  # moto's catch-all extras list every dependency
            text = re.sub(
                rf"(\n{extra} = \n(?:\t[^\n]*\n)*)",
                lambda m: m.group(1) + "\tsqlglot>=25\n",
                text,
                count=1,
            )
    setup.write_text(text)

    manifest = tree / "MANIFEST.in"
    text = manifest.read_text()
    line = f"recursive-include moto/{SERVICE}/data *.json *.json.gz"
    if line not in text.splitlines():
        text = text.rstrip("\n") + "\n" + line + "\n"
    manifest.write_text(text)


def _run(tree: Path, *args: str, fatal: bool = True) -> None:
    done = subprocess.run([sys.executable, "-m", *args], cwd=tree)
    if done.returncode and fatal:
        raise ExportError(f"{' '.join(args)} failed in {tree}")
    if done.returncode:
        print(
            f"export_moto: {' '.join(args)} reported findings (moto pins its ruff in "
            "requirements-dev.txt; --check runs the strict pass)",
            file=sys.stderr,
        )


def export(tree: Path, check: bool = False, lint: bool = True) -> Path:
    if not (tree / "moto" / "backend_index.py").exists() or not (tree / "setup.cfg").exists():
        raise ExportError(f"{tree} is not an unpacked moto source tree")
    target = tree / "moto" / SERVICE
    _copy(target)
    _check_imports(target)
    _register(tree)
    folder = f"moto/{SERVICE}"
    if not lint:
        return target
    # moto's own settings (its pyproject.toml): 88 columns, its rule selection, isort.
    _run(tree, "ruff", "check", "--fix", "--quiet", folder, fatal=False)
    _run(tree, "ruff", "format", "--quiet", folder)
    if check:
        _run(tree, "ruff", "check", folder)
        _run(tree, "ruff", "format", "--check", folder)
        _run(tree, "mypy", folder)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", type=Path, help="an unpacked moto source tree")
    parser.add_argument("--check", action="store_true", help="also run ruff and mypy checks")
    args = parser.parse_args(argv)
    try:
        target = export(args.tree.resolve(), check=args.check)
    except ExportError as error:
        print(f"export_moto: {error}", file=sys.stderr)
        return 1
    print(f"exported {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
