"""The resource families stand alone (issue 16): nothing under ``models/`` imports the
plugin's protocol or activation layers, so the same models can be served by moto's own
core. Checked on the source, import by import."""

from __future__ import annotations

import ast
from pathlib import Path

import customerprofiles_mock

PACKAGE = Path(customerprofiles_mock.__file__).parent
#: The plugin's own layers: request handling, activation, moto glue, the local endpoint.
PLUGIN_ONLY = ("protocol", "activation", "moto_bridge", "server", "pytest_plugin", "__main__")


def imported_modules(source: str, package: list[str]) -> list[str]:
    """Every module a file of ``package`` imports, relative imports resolved."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            found.append(module)
            found.extend(f"{module}.{alias.name}" for alias in node.names)
    return found


def plugin_imports(source: str) -> list[str]:
    package = ["customerprofiles_mock", "models"]
    return [
        module
        for module in imported_modules(source, package)
        if module.split(".")[:1] == ["customerprofiles_mock"]
        and len(module.split(".")) > 1
        and module.split(".")[1] in PLUGIN_ONLY
    ]


def test_models_import_nothing_from_the_plugin_layers() -> None:
    offending = {
        path.name: found
        for path in sorted((PACKAGE / "models").glob("*.py"))
        if (found := plugin_imports(path.read_text()))
    }
    assert offending == {}


def test_the_check_sees_plugin_imports_however_written() -> None:
    assert plugin_imports("from ..protocol.dispatch import handle") == [
        "customerprofiles_mock.protocol.dispatch",
        "customerprofiles_mock.protocol.dispatch.handle",
    ]
    assert plugin_imports("from .. import moto_bridge") == ["customerprofiles_mock.moto_bridge"]
    assert plugin_imports("import customerprofiles_mock.activation as a") == [
        "customerprofiles_mock.activation"
    ]
    assert plugin_imports("from . import events\nfrom ..clock import now") == []
