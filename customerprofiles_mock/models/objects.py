"""ListProfileObjects and DeleteProfileObject (reference §4.6).

Besides object types, the standard object names (``_asset``, ``_order``, ``_loyalty``,
``_airBooking``, ...) list the standard objects that ingested objects populated through
``<name>.*`` targets, nested as the targets' dotted paths say.
"""

from __future__ import annotations

import json
from typing import Any

from ..exceptions import ResourceNotFoundException
from .base import CoreBackend
from .mapping import evaluate, nest, standard_objects
from .pagination import paginate
from .store import ProfileObject
from .templates import template


class ObjectsMixin(CoreBackend):
    def _standard_view(self, domain: Any, obj: ProfileObject, kind: str) -> dict[str, str]:
        """The standard object (asset, case, order) an ingested object populated."""
        object_type = domain.collections["object-types"].get(obj.object_type)
        if object_type is None:
            return {}
        document = obj.document
        flat = {}
        for spec in object_type.fields.values():
            target = spec.get("Target", "")
            if target.startswith(kind + "."):
                value = evaluate(spec.get("Source", ""), document)
                if value is not None:
                    flat[target.split(".", 1)[1]] = value
        return flat

    def list_profile_objects(
        self,
        domain_name: str,
        object_type_name: str,
        profile_id: str,
        object_filter: dict[str, Any] | None = None,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        profile = self.profile(domain, profile_id)
        standard = standard_objects().get(object_type_name)
        known = domain.collections["object-types"]
        if (
            standard is None
            and object_type_name not in known
            and template(object_type_name) is None
        ):
            raise ResourceNotFoundException(
                f"Object type {object_type_name} does not exist in domain {domain_name}."
            )
        rows: list[tuple[ProfileObject, str, dict[str, str]]] = []
        if standard is not None:
            for by_key in profile.objects.values():
                for obj in by_key.values():
                    flat = self._standard_view(domain, obj, object_type_name)
                    if flat:
                        rows.append((obj, json.dumps(nest(flat)), flat))
        else:
            for obj in profile.objects.get(object_type_name, {}).values():
                rows.append((obj, obj.body, obj.key_values))
        if object_filter:
            name, wanted = object_filter["KeyName"], set(object_filter["Values"])
            field = standard["IndexKeys"].get(name, name) if standard is not None else name
            rows = [row for row in rows if row[2].get(field) in wanted]
        page, token = paginate(
            rows,
            lambda row: (row[0].ingested_at.timestamp(), row[0].seq),
            next_token,
            max_results,
        )
        items = [
            {
                "ObjectTypeName": object_type_name,
                "ProfileObjectUniqueKey": obj.unique_key,
                "Object": body,
            }
            for obj, body, _ in page
        ]
        return {"Items": items, "NextToken": token}

    def delete_profile_object(
        self,
        domain_name: str,
        profile_id: str,
        profile_object_unique_key: str,
        object_type_name: str,
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        profile = self.profile(domain, profile_id)
        obj = profile.objects.get(object_type_name, {}).get(profile_object_unique_key)
        if obj is None:
            raise ResourceNotFoundException(
                f"Profile object {profile_object_unique_key} of type {object_type_name} "
                f"does not exist on profile {profile_id}."
            )
        domain.store.remove_object(obj)
        domain.store.record(
            profile_id,
            "DELETED_BY_CUSTOMER",
            obj.body,
            self.caller_arn,
            object_type_name,
            profile_object_unique_key,
        )
        return {"Message": f"Profile object {profile_object_unique_key} was deleted."}
