"""Which tests run inside moto itself, once the service is exported (issue 16).

With ``CUSTOMERPROFILES_NATIVE=1`` the suite runs against a moto that has
``moto/customerprofiles/`` (``scripts/export_moto.py``) and no ``customerprofiles_mock``
installed: plain ``mock_aws`` in decorator mode, or moto's ``moto_server`` when moto's
``TEST_SERVER_MODE=true`` is set too. A test is *plugin-only* when it reaches for the
plugin itself; this module decides that from the test's source, so the list cannot go
stale, and gives the reason. Nothing here imports the plugin.
"""

from __future__ import annotations

import ast
import functools
import os
from pathlib import Path

PLUGIN = "customerprofiles_mock"
NATIVE = os.environ.get("CUSTOMERPROFILES_NATIVE", "") not in ("", "0")
SERVER_MODE = os.environ.get("TEST_SERVER_MODE", "false").lower() == "true"
#: Module-level reasons, for modules that test the plugin as a whole.
MODULE_REASONS = {
    "test_activation.py": "tests the plugin's activation (decorators, fixtures, network block)",
    "test_coverage_page.py": "checks the plugin's generated coverage page",
    "test_docs.py": "runs the plugin's documentation examples",
    "test_ecosystem.py": "tests the plugin's packaging, typing and pytest integration",
    "test_example.py": "runs the plugin's example script",
    "test_fuzz.py": "drives the plugin's dispatcher from botocore's model",
    "test_layering.py": "checks the plugin's import layering",
    "test_server.py": "drives the plugin's own local endpoint",
    "test_service_layer.py": "checks the generator and the export (CI runs the layer in moto)",
    "test_smoke_conformance.py": "checks the plugin's serializer against botocore shapes",
}


def _mentions_plugin(node: ast.AST) -> bool:
    for found in ast.walk(node):
        if isinstance(found, ast.Import) and any(
            alias.name.split(".")[0] == PLUGIN for alias in found.names
        ):
            return True
        if isinstance(found, ast.ImportFrom) and (found.module or "").split(".")[0] == PLUGIN:
            return True
        if isinstance(found, ast.Name) and found.id == PLUGIN:
            return True
    return False


def _uses_freezegun(node: ast.AST) -> bool:
    return any(
        isinstance(found, ast.Name) and found.id in ("freeze_time", "freezegun")
        for found in ast.walk(node)
    )


@functools.cache
def _module(path: Path) -> tuple[str | None, dict[str, ast.AST], set[str]]:
    """(module-level reason, top-level definitions, names of plugin-using helpers)."""
    tree = ast.parse(path.read_text(), str(path))
    reason = MODULE_REASONS.get(path.name)
    if reason is None:
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)) and _mentions_plugin(node):
                reason = "imports customerprofiles_mock at module level"
    defs: dict[str, ast.AST] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defs[node.name] = node
    # Helpers and fixtures that reach the plugin, directly or through each other.
    tainted = {name for name, node in defs.items() if _mentions_plugin(node)}
    changed = True
    while changed:
        changed = False
        for name, node in defs.items():
            if name in tainted:
                continue
            used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
            args = _arg_names(node)
            if (used | args) & tainted:
                tainted.add(name)
                changed = True
    return reason, defs, tainted


def _arg_names(node: ast.AST) -> set[str]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return {a.arg for a in node.args.args + node.args.kwonlyargs}
    return set()


def plugin_only_reason(path: Path, name: str, marker_reason: str | None) -> str | None:
    """Why the test cannot run inside moto, or None when it can."""
    if marker_reason:
        return marker_reason
    module_reason, defs, tainted = _module(path)
    if module_reason:
        return module_reason
    node = defs.get(name.split("[", 1)[0])
    if node is None:
        return None
    if PLUGIN in _arg_names(node):
        return "reads the plugin's state handle (fixture customerprofiles_mock)"
    if _mentions_plugin(node):
        return "uses customerprofiles_mock directly (timing, outbox or internals)"
    used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} | _arg_names(node)
    helpers = sorted(used & tainted)
    if helpers:
        return f"uses {', '.join(helpers)}, which reaches into customerprofiles_mock"
    return None


def server_mode_reason(path: Path, name: str) -> str | None:
    """Why a native-eligible test cannot run against moto_server, or None."""
    _reason, defs, _tainted = _module(path)
    node = defs.get(name.split("[", 1)[0])
    if node is None:
        return None
    used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} | _arg_names(node)
    fixtures = [defs[n] for n in used if n in defs]
    if _uses_freezegun(node) or any(_uses_freezegun(f) for f in fixtures):
        return "moves the clock in-process (freezegun); a moto_server keeps its own clock"
    return None


#: The state manager's models whose durations ``timing.SPEED`` scales (the domain's
#: rule-based matching and data-store readiness follow the clock alone).
SPEED_SCALED_MODELS = (
    "calculated-attribute",
    "identity-resolution-job",
    "recommender",
    "recommender-filter",
    "segment-estimate",
    "segment-snapshot",
    "segment-subscription",
    "upload-job",
)


def set_transitions(
    progression: dict[str, object] | None, models: tuple[str, ...] = SPEED_SCALED_MODELS
) -> None:
    """Set (or, with None, unset) the transition of ``models`` in moto's state manager:
    in-process, or over HTTP against a moto_server (``TEST_SERVER_MODE``)."""
    names = [f"customerprofiles::{model}" for model in models]
    if SERVER_MODE:
        import requests
        from moto import settings

        endpoint = settings.test_server_mode_endpoint()
        for name in names:
            if progression is None:
                body: dict[str, object] = {"model_name": name}
                requests.post(f"{endpoint}/moto-api/state-manager/unset-transition", json=body)
            else:
                body = {"model_name": name, "transition": progression}
                requests.post(f"{endpoint}/moto-api/state-manager/set-transition", json=body)
        return
    from moto.moto_api import state_manager

    for name in names:
        if progression is None:
            state_manager.unset_transition(name)
        else:
            state_manager.set_transition(name, progression)
