"""The regional backend's core: the domain registry every family hangs its state on."""

from __future__ import annotations

import functools
import gzip
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from importlib import resources
from typing import TYPE_CHECKING, Any, ClassVar

from moto.core.base_backend import BaseBackend

from .. import timing
from ..effects import Outbox
from ..exceptions import ResourceNotFoundException
from . import journal

if TYPE_CHECKING:
    from .domains import Domain
    from .store import Profile


URL_BASES = [r"https?://profile\.(.+)\.amazonaws\.com(\.cn)?"]
#: The package holding ``data/`` (standard objects, templates), wherever the models live.
DATA_PACKAGE = __name__.rsplit(".", 2)[0]


def load_data(folder: str) -> dict[str, Any]:
    """Every JSON file of ``data/<folder>`` (or ``data`` itself), keyed by file stem.

    moto's wheels gzip their JSON data files (``name.json.gz``); both forms are read.
    """
    found: dict[str, Any] = {}
    root = resources.files(DATA_PACKAGE) / "data"
    for entry in (root / folder if folder else root).iterdir():
        if entry.name.endswith(".json.gz"):
            found[entry.name[: -len(".json.gz")]] = json.loads(gzip.decompress(entry.read_bytes()))
        elif entry.name.endswith(".json"):
            found[entry.name[: -len(".json")]] = json.loads(entry.read_text())
    return found


#: scheme://host of the request being answered, for URLs an answer hands out (the
#: upload URL); the dispatcher sets it per request.
request_base: ContextVar[str] = ContextVar("request_base", default="https://profile.amazonaws.com")

#: Work a family does before each call is answered (e.g. reading new files from S3).
BEFORE_CALL: list[Callable[[CoreBackend], None]] = []


class CoreBackend(BaseBackend):
    """State of one account in one region; families add operations as mixins."""

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.domains: dict[str, Domain] = {}
        #: Held by the dispatcher for each whole call, so calls are atomic to each other.
        self.lock = threading.RLock()
        #: What this account and region sent to S3, Kinesis and SQS (see effects.py).
        self.outbox = Outbox()

    def before_call(self) -> None:
        """Run by the dispatcher, under the lock, before every operation."""
        for hook in BEFORE_CALL:
            hook(self)

    @contextmanager
    def serving(self) -> Iterator[None]:
        """Hold while one call runs: calls are atomic to each other (one at a time per
        account and region), and a call that raises, modeled error or not, is taken back
        whole. Whatever serves the models wraps each operation, and its serialization
        where it can, in this."""
        with self.lock:
            timing.calls += 1
            self.before_call()
            with journal.transaction():
                yield

    def arn(self, resource: str) -> str:
        """ARN in the ``profile`` namespace, as the Service Authorization Reference gives it."""
        return f"arn:{self.partition}:profile:{self.region_name}:{self.account_id}:{resource}"

    @functools.cached_property
    def caller_arn(self) -> str:
        """Who history records say performed an action: the account's root principal
        (one string for every record, not one each)."""
        return f"arn:{self.partition}:iam::{self.account_id}:root"

    def domain(self, name: str) -> Domain:
        """The named domain, or the 404 every domain-scoped call answers for an unknown one."""
        found = self.domains.get(name)
        if found is None:
            raise ResourceNotFoundException(f"Domain {name} does not exist.")
        found.sweep()
        return found

    #: What answers moto's dispatcher for this service's URLs when the plugin serves the
    #: models (its moto_bridge sets it); left unset, moto reads the service's urls.py.
    dispatch: ClassVar[Callable[..., Any] | None] = None

    @property
    def url_bases(self) -> list[str]:  # type: ignore[override]
        return URL_BASES

    @property
    def url_paths(self) -> dict[str, Any]:  # type: ignore[override]
        if type(self).dispatch is None:
            return super().url_paths
        return {"/.*": type(self).dispatch}

    @property
    def urls(self) -> dict[str, Any]:  # type: ignore[override]
        if type(self).dispatch is None:
            return super().urls
        return {f"{base}/.*": type(self).dispatch for base in self.url_bases}

    def profile(self, domain: Domain, profile_id: str) -> Profile:
        """The profile, or the 404 every profile-scoped call answers for an unknown id."""
        found = domain.profiles.get(profile_id)
        if found is None:
            raise ResourceNotFoundException(
                f"Profile {profile_id} does not exist in domain {domain.name}."
            )
        return found
