"""Domain layouts (reference §8.6): the Connect agent workspace's profile layouts.

The Layout JSON string is kept byte for byte; every update gives a new Version. At most
one layout of a domain is the default: making one default clears the flag on the
others [inference].
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..clock import now
from ..exceptions import BadRequestException
from .base import CoreBackend
from .domains import Domain
from .pagination import paginate

KIND = "layouts"


@dataclass
class Layout:
    name: str
    arn: str
    description: str
    display_name: str
    layout_type: str
    layout: str
    is_default: bool
    version: int
    created_at: datetime
    last_updated_at: datetime
    tags: dict[str, str] = field(default_factory=dict)

    def describe(self, with_layout: bool = True) -> dict[str, Any]:
        found = {
            "LayoutDefinitionName": self.name,
            "Description": self.description,
            "DisplayName": self.display_name,
            "IsDefault": self.is_default,
            "LayoutType": self.layout_type,
            "CreatedAt": self.created_at,
            "LastUpdatedAt": self.last_updated_at,
            "Tags": self.tags,
        }
        if with_layout:
            found.update({"Layout": self.layout, "Version": str(self.version)})
        return found


class LayoutsMixin(CoreBackend):
    def _layout(self, domain: Domain, name: str) -> Layout:
        found: Layout = domain.named(KIND, name, "Layout")
        return found

    @staticmethod
    def _make_default(domain: Domain, layout: Layout) -> None:
        for other in domain.collections[KIND].values():
            other.is_default = other is layout

    def create_domain_layout(
        self,
        domain_name: str,
        layout_definition_name: str,
        description: str,
        display_name: str,
        layout_type: str,
        layout: str,
        is_default: bool | None = None,
        tags: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        if layout_definition_name in domain.collections[KIND]:
            raise BadRequestException(f"Layout {layout_definition_name} already exists")
        stamp = now()
        created = Layout(
            name=layout_definition_name,
            arn=self.arn(f"domains/{domain_name}/{KIND}/{layout_definition_name}"),
            description=description,
            display_name=display_name,
            layout_type=layout_type,
            layout=layout,
            is_default=bool(is_default),
            version=1,
            created_at=stamp,
            last_updated_at=stamp,
            tags=dict(tags or {}),
        )
        domain.collections[KIND][layout_definition_name] = created
        if created.is_default:
            self._make_default(domain, created)
        return created.describe()

    def get_domain_layout(self, domain_name: str, layout_definition_name: str) -> dict[str, Any]:
        return self._layout(self.domain(domain_name), layout_definition_name).describe()

    def update_domain_layout(
        self,
        domain_name: str,
        layout_definition_name: str,
        description: str | None = None,
        display_name: str | None = None,
        is_default: bool | None = None,
        layout_type: str | None = None,
        layout: str | None = None,
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        found = self._layout(domain, layout_definition_name)
        for attribute, value in (
            ("description", description),
            ("display_name", display_name),
            ("layout_type", layout_type),
            ("layout", layout),
        ):
            if value is not None:
                setattr(found, attribute, value)
        if is_default is not None:
            found.is_default = is_default
            if is_default:
                self._make_default(domain, found)
        found.version += 1
        found.last_updated_at = now()
        return found.describe()

    def delete_domain_layout(self, domain_name: str, layout_definition_name: str) -> dict[str, Any]:
        domain = self.domain(domain_name)
        self._layout(domain, layout_definition_name)
        del domain.collections[KIND][layout_definition_name]
        return {"Message": f"Layout {layout_definition_name} was deleted."}

    def list_domain_layouts(
        self, domain_name: str, next_token: str | None = None, max_results: int | None = None
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        page, token = paginate(
            list(domain.collections[KIND].values()), lambda lay: lay.name, next_token, max_results
        )
        return {"Items": [lay.describe(with_layout=False) for lay in page], "NextToken": token}
