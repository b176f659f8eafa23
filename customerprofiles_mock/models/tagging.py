"""TagResource / UntagResource / ListTagsForResource over every ARN type (reference §1).

Tags live on the resources themselves (``.tags``), so tags given at create time and
tags given here are the same tags, and deleting a resource deletes its tags.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from moto.core.resource_tagging import TaggableResourcesMixin, TaggedResource

from ..exceptions import BadRequestException, ResourceNotFoundException
from .base import CoreBackend

MAX_TAGS = 50


class TaggingMixin(CoreBackend, TaggableResourcesMixin):
    """Tags by ARN; moto's Resource Groups Tagging API lists them through this mixin."""

    SERVICE_NAMESPACE = "profile"

    def iter_tagged_resources(self) -> Iterator[TaggedResource]:
        """Every domain and named child, typed ``profile:<ARN resource segment>``."""
        with self.lock:
            found = []
            for name, domain in self.domains.items():
                base = self.arn(f"domains/{name}")
                found.append(TaggedResource(base, dict(domain.tags), "profile:domains"))
                for kind, children in domain.collections.items():
                    for child_name, child in children.items():
                        tags = getattr(child, "tags", None)
                        if isinstance(tags, dict):
                            arn = f"{base}/{kind}/{child_name}"
                            found.append(TaggedResource(arn, dict(tags), f"profile:{kind}"))
        return iter(found)

    def _taggable(self, resource_arn: str) -> Any:
        """Resolve ``arn:<partition>:profile:<region>:<account>:domains/<d>[/<kind>/<name>]``."""
        parts = resource_arn.split(":", 5)
        missing = ResourceNotFoundException(f"Resource {resource_arn} does not exist.")
        if (
            len(parts) != 6
            or parts[2] != "profile"
            or parts[3] != self.region_name
            or parts[4] != self.account_id
        ):
            raise missing
        path = parts[5].split("/", 3)
        if path[0] != "domains" or len(path) == 3:
            raise missing
        domain = self.domains.get(path[1])
        if domain is None:
            raise missing
        if len(path) == 2:
            return domain
        found = domain.collections.get(path[2], {}).get(path[3])
        if found is None:
            raise missing
        return found

    # Also called by moto's Tagging API (TagResources), outside the dispatcher: the
    # backend's lock (re-entrant) keeps those calls apart from concurrent ones.
    def tag_resource(self, resource_arn: str, tags: dict[str, str]) -> dict[str, Any]:  # type: ignore[override]
        with self.lock:
            resource = self._taggable(resource_arn)
            if len(set(resource.tags) | set(tags)) > MAX_TAGS:
                raise BadRequestException(f"A resource can have at most {MAX_TAGS} tags")
            resource.tags.update(tags)
        return {}

    def untag_resource(self, resource_arn: str, tag_keys: list[str]) -> dict[str, Any]:  # type: ignore[override]
        with self.lock:
            resource = self._taggable(resource_arn)
            for key in tag_keys:
                resource.tags.pop(key, None)
        return {}

    def list_tags_for_resource(self, resource_arn: str) -> dict[str, Any]:
        return {"tags": dict(self._taggable(resource_arn).tags)}
