"""Profile object types and their templates (reference §4.1, §4.3, §4.7).

Object types live in ``domain.collections["object-types"]``, which makes them taggable by
ARN through the tagging mixin. A name equal to a template id works without a
PutProfileObjectType: the first ingestion creates an implicit type from the template.
"""

from __future__ import annotations

import copy
from typing import Any

from ..clock import now
from ..exceptions import BadRequestException, ResourceNotFoundException
from .base import CoreBackend
from .domains import Domain
from .mapping import check_source, check_target, clear_path
from .pagination import paginate
from .store import PREDEFINED_KEY_TYPES, ObjectType
from .templates import all_templates, template

MAX_OBJECT_TYPES = 100
MAX_KEYS_PER_TYPE = 10  # default service quota (Administrator Guide)
DEFAULT_MAX_OBJECTS_PER_PROFILE = 1000
TEMPLATE_OWNED = ("AllowProfileCreation", "SourceLastUpdatedTimestampFormat", "Fields", "Keys")
INDEXED_CONTENT_TYPES = ("PHONE_NUMBER", "EMAIL_ADDRESS", "NAME")


def check_definition(fields: dict[str, Any], keys: dict[str, list[dict[str, Any]]]) -> None:
    """The rules every object type must satisfy before anything is stored."""
    for name, spec in fields.items():
        check_source(name, spec.get("Source", ""))
        if spec.get("Target"):
            check_target(name, spec["Target"])
    if len(keys) > MAX_KEYS_PER_TYPE:
        raise BadRequestException(
            f"An object type can have at most {MAX_KEYS_PER_TYPE} keys, got {len(keys)}"
        )
    for key_name, items in keys.items():
        for item in items:
            if not item.get("FieldNames"):
                raise BadRequestException(f"Key {key_name} must name at least one field")
    unique = [
        name
        for name, items in keys.items()
        for item in items
        if "UNIQUE" in item.get("StandardIdentifiers", [])
    ]
    if len(unique) != 1:
        raise BadRequestException(
            f"An object type needs exactly one key with the UNIQUE identifier, found {len(unique)}"
        )
    for key_name, items in keys.items():
        for item in items:
            missing = [f for f in item.get("FieldNames", []) if f not in fields]
            if missing:
                raise BadRequestException(
                    f"Key {key_name} names fields that are not defined: {', '.join(missing)}"
                )


def describe(object_type: ObjectType) -> dict[str, Any]:
    return {
        "ObjectTypeName": object_type.name,
        "Description": object_type.description,
        "TemplateId": object_type.template_id,
        "ExpirationDays": object_type.expiration_days,
        "EncryptionKey": object_type.encryption_key,
        "AllowProfileCreation": object_type.allow_profile_creation,
        "SourceLastUpdatedTimestampFormat": object_type.source_last_updated_timestamp_format,
        "MaxProfileObjectCount": object_type.max_profile_object_count,
        "MaxAvailableProfileObjectCount": (
            object_type.max_profile_object_count or DEFAULT_MAX_OBJECTS_PER_PROFILE
        ),
        "SourcePriority": object_type.source_priority,
        "Fields": object_type.fields,
        "Keys": object_type.keys,
        "CreatedAt": object_type.created_at,
        "LastUpdatedAt": object_type.last_updated_at,
        "Tags": object_type.tags,
    }


class ObjectTypesMixin(CoreBackend):
    def _object_types(self, domain: Domain) -> dict[str, ObjectType]:
        return domain.collections["object-types"]

    def _register_key_types(self, domain: Domain, object_type: ObjectType) -> None:
        """Key names are domain-global; their field's content type decides how they match."""
        for key_name, items in object_type.keys.items():
            names = [f for item in items for f in item.get("FieldNames", [])]
            if key_name in PREDEFINED_KEY_TYPES or len(names) != 1:
                continue
            content = object_type.fields.get(names[0], {}).get("ContentType")
            if content in INDEXED_CONTENT_TYPES and key_name not in domain.store.key_types:
                domain.store.set_key_type(key_name, content)

    def _check_room(self, domain: Domain, name: str) -> None:
        if name not in self._object_types(domain) and len(self._object_types(domain)) >= (
            MAX_OBJECT_TYPES
        ):
            raise BadRequestException(
                f"Domain {domain.name} already has {MAX_OBJECT_TYPES} object types"
            )

    def _store_type(self, domain: Domain, object_type: ObjectType) -> ObjectType:
        """Create, or update in place what an update may change.

        The Administrator Guide's "Update and validate an object type mapping": tags are
        not changed by an update (TagResource/UntagResource are the way), and the
        encryption key cannot change once the domain's data store is enabled.
        """
        existing = self._object_types(domain).get(object_type.name)
        if existing is not None:
            if domain.data_store_enabled:
                if object_type.encryption_key is None:
                    object_type.encryption_key = existing.encryption_key
                elif object_type.encryption_key != existing.encryption_key:
                    raise BadRequestException(
                        f"The EncryptionKey of object type {object_type.name} cannot be "
                        "changed while the domain's data store is enabled"
                    )
            object_type.created_at = existing.created_at
            object_type.tags = existing.tags
        self._check_room(domain, object_type.name)
        self._object_types(domain)[object_type.name] = object_type
        self._register_key_types(domain, object_type)
        return object_type

    def put_profile_object_type(
        self,
        domain_name: str,
        object_type_name: str,
        description: str,
        template_id: str | None = None,
        expiration_days: int | None = None,
        encryption_key: str | None = None,
        allow_profile_creation: bool | None = None,
        source_last_updated_timestamp_format: str | None = None,
        max_profile_object_count: int | None = None,
        source_priority: int | None = None,
        fields: dict[str, Any] | None = None,
        keys: dict[str, Any] | None = None,
        tags: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        if object_type_name.startswith("_"):
            raise BadRequestException(
                "Object type names starting with '_' are reserved for standard object types"
            )
        if template_id is not None:
            given = dict(
                zip(
                    TEMPLATE_OWNED,
                    (allow_profile_creation, source_last_updated_timestamp_format, fields, keys),
                    strict=True,
                )
            )
            clash = [name for name, value in given.items() if value is not None]
            if clash:
                raise BadRequestException(
                    f"{', '.join(clash)} cannot be given together with TemplateId: "
                    "the template supplies them"
                )
            found = template(template_id)
            if found is None:
                raise ResourceNotFoundException(f"Template {template_id} does not exist.")
            allow_profile_creation = found.get("AllowProfileCreation", False)
            source_last_updated_timestamp_format = found.get("SourceLastUpdatedTimestampFormat")
            fields, keys = found.get("Fields", {}), found.get("Keys", {})
        fields, keys = copy.deepcopy(fields or {}), copy.deepcopy(keys or {})
        check_definition(fields, keys)
        stamp = now()
        object_type = ObjectType(
            name=object_type_name,
            arn=self.arn(f"domains/{domain_name}/object-types/{object_type_name}"),
            description=description,
            template_id=template_id,
            expiration_days=expiration_days,
            encryption_key=encryption_key,
            allow_profile_creation=bool(allow_profile_creation),
            source_last_updated_timestamp_format=source_last_updated_timestamp_format,
            max_profile_object_count=max_profile_object_count,
            source_priority=source_priority,
            fields=fields,
            keys=keys,
            tags=dict(tags or {}),
            created_at=stamp,
            last_updated_at=stamp,
        )
        return describe(self._store_type(domain, object_type))

    def object_type_for(self, domain: Domain, name: str) -> ObjectType:
        """The type ingestion uses: a defined one, or an implicit one from a template.

        An implicit type is not stored here: ingestion stores it with the first object
        it accepts, so a rejected object leaves no type behind.
        """
        source = template(name)
        if name in self._object_types(domain) or source is None:
            return self._defined_type(domain, name)
        implicit = ObjectType(
            name=name,
            arn=self.arn(f"domains/{domain.name}/object-types/{name}"),
            description=f"Implicit object type created from template {name}",
            template_id=name,
            allow_profile_creation=bool(source.get("AllowProfileCreation")),
            source_last_updated_timestamp_format=source.get("SourceLastUpdatedTimestampFormat"),
            fields=copy.deepcopy(source.get("Fields", {})),
            keys=copy.deepcopy(source.get("Keys", {})),
            implicit=True,
        )
        self._check_room(domain, name)
        return implicit

    def _defined_type(self, domain: Domain, name: str) -> ObjectType:
        found: ObjectType = domain.named("object-types", name, "Object type")
        return found

    def get_profile_object_type(self, domain_name: str, object_type_name: str) -> dict[str, Any]:
        return describe(self._defined_type(self.domain(domain_name), object_type_name))

    def list_profile_object_types(
        self, domain_name: str, next_token: str | None = None, max_results: int | None = None
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        page, token = paginate(
            list(self._object_types(domain).values()), lambda t: t.name, next_token, max_results
        )
        summary = (
            "ObjectTypeName",
            "Description",
            "CreatedAt",
            "LastUpdatedAt",
            "MaxProfileObjectCount",
            "MaxAvailableProfileObjectCount",
            "SourcePriority",
            "Tags",
        )
        items = [{k: v for k, v in describe(t).items() if k in summary} for t in page]
        return {"Items": items, "NextToken": token}

    def delete_profile_object_type(self, domain_name: str, object_type_name: str) -> dict[str, Any]:
        """Removes the type, its objects, and the profile fields and keys it populated."""
        domain = self.domain(domain_name)
        self._defined_type(domain, object_type_name)
        store = domain.store
        # Proportional to what the type holds: its objects, and the profiles it fed.
        for obj in list(store.objects_of_type.get(object_type_name, {}).values()):
            store.remove_object(obj)
        fed = store.fed_by.get(object_type_name, set())
        for profile in store.ordered_profiles(fed):
            populated = [p for p, src in profile.field_sources.items() if src == object_type_name]
            if populated:
                store.touch(profile)
                fields = copy.deepcopy(profile.fields)
                for path in populated:
                    clear_path(fields, path)
                    del profile.field_sources[path]
                store.set_fields(profile, fields)
            for key_name, values in list(profile.keys.items()):
                for value in list(values):
                    store.remove_key(profile, key_name, value, source=object_type_name)
        del self._object_types(domain)[object_type_name]
        return {"Message": f"Object type {object_type_name} and its objects were deleted."}

    def list_profile_object_type_templates(
        self, next_token: str | None = None, max_results: int | None = None
    ) -> dict[str, Any]:
        page, token = paginate(all_templates(), lambda t: t["TemplateId"], next_token, max_results)
        items = [{k: t.get(k) for k in ("TemplateId", "SourceName", "SourceObject")} for t in page]
        return {"Items": items, "NextToken": token}

    def get_profile_object_type_template(self, template_id: str) -> dict[str, Any]:
        found = template(template_id)
        if found is None:
            raise ResourceNotFoundException(f"Template {template_id} does not exist.")
        return found
