"""``AWS::CustomerProfiles::*`` resources for moto's CloudFormation (under ``mock_aws``).

Each resource type is a ``CloudFormationModel`` whose handlers run the same
operations an API call runs (:func:`~.protocol.dispatch.invoke`), so a template gets
the API's validation and errors. The handlers keep the contract of AWS's own
resource handlers: a create of a name that exists fails with AlreadyExists, an
update changes in place or replaces as the type's create-only properties say, a
delete of a resource already gone succeeds during a stack delete. A failed create
rolls the stack back (see ``moto_bridge``). Tags are the template's Key/Value list.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from moto.core.common_models import CloudFormationModel

from .exceptions import CustomerProfilesError, ResourceNotFoundException
from .protocol.dispatch import invoke
from .protocol.model import members, operations


class CfnResourceFailed(Exception):
    """A resource handler failed: the stack operation stops and rolls back."""

    def __init__(self, type_name: str, message: str, code: str) -> None:
        super().__init__(
            f'Resource handler returned message: "{message}" (HandlerErrorCode: {code})'
        )
        self.type_name = type_name
        self.handler_code = code


class _NotYet(Exception):
    """Dependents of this resource still exist: moto's stack delete retries it later."""


_HANDLER_CODES = {
    "ResourceNotFoundException": "NotFound",
    "AccessDeniedException": "AccessDenied",
    "ThrottlingException": "Throttling",
    "InternalServerException": "InternalFailure",
}


def _tags_map(tags: Any) -> dict[str, str]:
    return {str(tag["Key"]): str(tag["Value"]) for tag in tags or []}


def _pairs_to_map(name_key: str, value_key: str) -> Callable[[Any], dict[str, Any]]:
    def convert(items: Any) -> dict[str, Any]:
        return {item[name_key]: item[value_key] for item in items or []}

    return convert


def _input_members(operation: str) -> dict[str, Any]:
    shape = operations()[operation].input_shape
    return members(shape) if shape is not None else {}


def _coerce(shape: Any, value: Any) -> Any:
    """Template values to the API's types: parameters and YAML often give strings."""
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        inner = members(shape)
        return {k: _coerce(inner[k], v) if k in inner else v for k, v in value.items()}
    if kind == "list" and isinstance(value, list):
        return [_coerce(shape.member, v) for v in value]
    if kind == "map" and isinstance(value, dict):
        return {k: _coerce(shape.value, v) for k, v in value.items()}
    if isinstance(value, str):
        try:
            if kind in ("integer", "long"):
                return int(value)
            if kind in ("double", "float"):
                return float(value)
        except ValueError:
            return value
        if kind == "boolean" and value.lower() in ("true", "false"):
            return value.lower() == "true"
    return value


@dataclass(frozen=True)
class ResourceType:
    """What one ``AWS::CustomerProfiles::*`` type maps to in the API."""

    name: str  # the part after AWS::CustomerProfiles::
    create: str
    get: str
    delete: str
    identifiers: tuple[str, ...]  # primary identifier, in order; Ref joins them with "|"
    name_property: str
    create_only: frozenset[str]
    attributes: frozenset[str]
    update: str | None = None  # None: only tags change in place
    update_is_create: bool = False  # Put* operations: the create call updates too
    converters: dict[str, Callable[[Any], Any]] = field(default_factory=dict)
    read_only: frozenset[str] = frozenset()
    tier: int = 0  # a stack delete removes lower tiers first (children before parents)
    arn_kind: str = ""  # ARN path segment under the domain; "" for the domain itself

    @property
    def type_name(self) -> str:
        return f"AWS::CustomerProfiles::{self.name}"


_TIMESTAMP_ATTRIBUTES = frozenset({"CreatedAt", "LastUpdatedAt"})


def _iso(value: Any) -> Any:
    if isinstance(value, (int, float)):
        moment = datetime.datetime.fromtimestamp(value, tz=datetime.timezone.utc)
        return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return value


#: Resources created by stacks and not deleted yet, per (account, region, domain).
_live: dict[tuple[str, str, str], list[_Resource]] = {}


class _Resource:
    """Shared behaviour of the CloudFormation models; each type below adds its facts."""

    TYPE: ResourceType

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        # Not tracked for moto's dashboard: the resources themselves are listed there.
        return object.__new__(cls)

    def __init__(self, account_id: str, region: str, props: dict[str, Any]) -> None:
        self.account_id = account_id
        self.region = region
        self.props = props

    # -- what moto's CloudFormation asks -------------------------------------------------

    @classmethod
    def cloudformation_type(cls) -> str:
        return cls.TYPE.type_name

    @classmethod
    def cloudformation_name_type(cls) -> str:
        return cls.TYPE.name_property

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in cls.TYPE.attributes

    @property
    def physical_resource_id(self) -> str:
        return "|".join(str(self.props.get(name, "")) for name in self.TYPE.identifiers)

    def is_created(self) -> bool:
        return True

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

        if attribute_name not in self.TYPE.attributes:
            raise UnformattedGetAttTemplateException()
        found: Any = self._call(self.TYPE.get, self._identity())
        for part in attribute_name.split("."):
            found = found.get(part) if isinstance(found, dict) else None
        if found is None and attribute_name.endswith("Arn"):
            return self._arn()  # not every Get answers with the ARN it was created with
        return _iso(found) if attribute_name in _TIMESTAMP_ATTRIBUTES else found

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[override]
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> _Resource:
        props = cls._props(cloudformation_json, resource_name)
        resource = cls(account_id, region_name, props)
        resource._create()
        return resource

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[override]
        cls,
        original_resource: _Resource,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> _Resource:
        props = cls._props(cloudformation_json, new_resource_name)
        old = original_resource
        if any(props.get(name) != old.props.get(name) for name in cls.TYPE.create_only):
            if all(props.get(n) == old.props.get(n) for n in cls.TYPE.identifiers):
                raise CfnResourceFailed(
                    cls.TYPE.type_name,
                    "CloudFormation cannot update a stack when a custom-named resource "
                    f"requires replacing. Rename {old.physical_resource_id} and update the "
                    "stack again.",
                    "InvalidRequest",
                )
            new = cls(account_id, region_name, props)
            new._create()
            old._delete(missing_ok=True)
            return new
        old._update(props)
        return old

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[override]
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> None:
        props = cls._props(cloudformation_json, resource_name)
        cls(account_id, region_name, props)._delete(missing_ok=True)

    def delete(self, account_id: str, region_name: str) -> None:
        """A stack delete: children first (moto retries what raises), a gone one is fine."""
        domain = self.props.get("DomainName", "")
        if any(
            other.TYPE.tier < self.TYPE.tier and not self._same(other) and other._exists()
            for other in _live.get((self.account_id, self.region, domain), [])
        ):
            raise _NotYet(f"{self.physical_resource_id} still has dependents in the stack")
        self._delete(missing_ok=True)

    # -- the handlers ----------------------------------------------------------------------

    @classmethod
    def _props(cls, cloudformation_json: dict[str, Any], resource_name: str) -> dict[str, Any]:
        kind = cls.TYPE
        given = dict(cloudformation_json.get("Properties") or {})
        if kind.name_property and not given.get(kind.name_property):
            given[kind.name_property] = resource_name
        create_members = _input_members(kind.create)
        for name in given:
            if name not in create_members and name != "Tags" and name not in kind.read_only:
                raise CfnResourceFailed(
                    kind.type_name, f"Encountered unsupported property {name}", "InvalidRequest"
                )
        props: dict[str, Any] = {}
        for name, value in given.items():
            if name in kind.read_only:
                continue
            if name in kind.converters:
                value = kind.converters[name](value)
            elif name == "Tags":
                value = _tags_map(value)
            props[name] = _coerce(create_members[name], value) if name in create_members else value
        return props

    def _identity(self) -> dict[str, Any]:
        return {name: self.props[name] for name in self.TYPE.identifiers if name in self.props}

    def _call(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        try:
            return invoke(self.account_id, self.region, operation, params)
        except CustomerProfilesError as error:
            code = _HANDLER_CODES.get(error.code, "InvalidRequest")
            raise CfnResourceFailed(self.TYPE.type_name, error.message, code) from None

    def _exists(self) -> bool:
        try:
            invoke(self.account_id, self.region, self.TYPE.get, self._identity())
        except ResourceNotFoundException:
            return False
        except CustomerProfilesError:
            return True  # not refused as missing: there is something by that name
        return True

    def _create(self) -> None:
        if self._exists():
            raise CfnResourceFailed(
                self.TYPE.type_name,
                f"Resource of type '{self.TYPE.type_name}' with identifier "
                f"'{self.physical_resource_id}' already exists.",
                "AlreadyExists",
            )
        self._call(self.TYPE.create, self.props)
        key = (self.account_id, self.region, self.props.get("DomainName", ""))
        _live.setdefault(key, []).append(self)

    def _update(self, props: dict[str, Any]) -> None:
        kind = self.TYPE
        if not self._exists():
            raise CfnResourceFailed(
                kind.type_name,
                f"Resource of type '{kind.type_name}' with identifier "
                f"'{self.physical_resource_id}' was not found.",
                "NotFound",
            )
        untagged = {k: v for k, v in props.items() if k != "Tags"}
        if kind.update_is_create:
            self._call(kind.create, untagged)
        elif kind.update is not None:
            allowed = _input_members(kind.update)
            self._call(kind.update, {k: v for k, v in untagged.items() if k in allowed})
        old_tags: dict[str, str] = self.props.get("Tags") or {}
        new_tags: dict[str, str] = props.get("Tags") or {}
        arn = self._arn()
        removed = [key for key in old_tags if key not in new_tags]
        if removed:
            self._call("UntagResource", {"resourceArn": arn, "tagKeys": removed})
        changed = {k: v for k, v in new_tags.items() if old_tags.get(k) != v}
        if changed:
            self._call("TagResource", {"resourceArn": arn, "tags": changed})
        self.props = props

    def _delete(self, missing_ok: bool) -> None:
        key = (self.account_id, self.region, self.props.get("DomainName", ""))
        try:
            invoke(self.account_id, self.region, self.TYPE.delete, self._identity())
        except ResourceNotFoundException as error:
            if not missing_ok:
                raise CfnResourceFailed(self.TYPE.type_name, error.message, "NotFound") from None
        except CustomerProfilesError as error:
            code = _HANDLER_CODES.get(error.code, "InvalidRequest")
            raise CfnResourceFailed(self.TYPE.type_name, error.message, code) from None
        kept = [r for r in _live.get(key, []) if not self._same(r)]
        if kept and self.TYPE.arn_kind:
            _live[key] = kept
        else:  # nothing left, or a domain: it takes everything under it along
            _live.pop(key, None)

    def _same(self, other: _Resource) -> bool:
        return other.TYPE is self.TYPE and other.physical_resource_id == self.physical_resource_id

    def _arn(self) -> str:
        partition = "aws-cn" if self.region.startswith("cn-") else "aws"
        base = (
            f"arn:{partition}:profile:{self.region}:{self.account_id}:"
            f"domains/{self.props['DomainName']}"
        )
        if not self.TYPE.arn_kind:
            return base
        return f"{base}/{self.TYPE.arn_kind}/{self.props[self.TYPE.identifiers[-1]]}"


def _strip_status(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if k != "Status"}
    return value


DOMAIN = ResourceType(
    name="Domain",
    create="CreateDomain",
    get="GetDomain",
    delete="DeleteDomain",
    update="UpdateDomain",
    identifiers=("DomainName",),
    name_property="DomainName",
    create_only=frozenset({"DomainName"}),
    attributes=frozenset(
        {
            "CreatedAt",
            "LastUpdatedAt",
            "RuleBasedMatching.Status",
            "Stats.MeteringProfileCount",
            "Stats.ObjectCount",
            "Stats.ProfileCount",
            "Stats.TotalSize",
        }
    ),
    converters={"RuleBasedMatching": _strip_status},
    read_only=frozenset({"Stats", "CreatedAt", "LastUpdatedAt"}),
    tier=3,
)
OBJECT_TYPE = ResourceType(
    name="ObjectType",
    create="PutProfileObjectType",
    get="GetProfileObjectType",
    delete="DeleteProfileObjectType",
    update_is_create=True,
    identifiers=("DomainName", "ObjectTypeName"),
    name_property="ObjectTypeName",
    create_only=frozenset({"DomainName", "ObjectTypeName"}),
    attributes=frozenset({"CreatedAt", "LastUpdatedAt", "MaxAvailableProfileObjectCount"}),
    converters={
        "Fields": _pairs_to_map("Name", "ObjectTypeField"),
        "Keys": _pairs_to_map("Name", "ObjectTypeKeyList"),
    },
    tier=1,
    arn_kind="object-types",
)
INTEGRATION = ResourceType(
    name="Integration",
    create="PutIntegration",
    get="GetIntegration",
    delete="DeleteIntegration",
    update_is_create=True,
    identifiers=("DomainName", "Uri"),
    name_property="",
    create_only=frozenset({"DomainName", "Uri"}),
    attributes=frozenset({"CreatedAt", "LastUpdatedAt"}),
    converters={"ObjectTypeNames": _pairs_to_map("Key", "Value")},
    arn_kind="integrations",
)
CALCULATED_ATTRIBUTE = ResourceType(
    name="CalculatedAttributeDefinition",
    create="CreateCalculatedAttributeDefinition",
    get="GetCalculatedAttributeDefinition",
    delete="DeleteCalculatedAttributeDefinition",
    update="UpdateCalculatedAttributeDefinition",
    identifiers=("DomainName", "CalculatedAttributeName"),
    name_property="CalculatedAttributeName",
    # The API cannot change these after creation [inference: so they replace].
    create_only=frozenset(
        {
            "DomainName",
            "CalculatedAttributeName",
            "AttributeDetails",
            "Statistic",
            "Filter",
            "UseHistoricalData",
        }
    ),
    attributes=frozenset(
        {
            "CreatedAt",
            "LastUpdatedAt",
            "Status",
            "Readiness.ProgressPercentage",
            "Readiness.Message",
        }
    ),
    tier=2,
    arn_kind="calculated-attributes",
)
SEGMENT_DEFINITION = ResourceType(
    name="SegmentDefinition",
    create="CreateSegmentDefinition",
    get="GetSegmentDefinition",
    delete="DeleteSegmentDefinition",
    identifiers=("DomainName", "SegmentDefinitionName"),
    name_property="SegmentDefinitionName",
    create_only=frozenset(
        {
            "DomainName",
            "SegmentDefinitionName",
            "DisplayName",
            "SegmentGroups",
            "SegmentSqlQuery",
            "SegmentSort",
        }
    ),
    attributes=frozenset({"CreatedAt", "SegmentDefinitionArn", "SegmentType"}),
    tier=1,
    arn_kind="segment-definitions",
)
EVENT_STREAM = ResourceType(
    name="EventStream",
    create="CreateEventStream",
    get="GetEventStream",
    delete="DeleteEventStream",
    identifiers=("DomainName", "EventStreamName"),
    name_property="EventStreamName",
    create_only=frozenset({"DomainName", "EventStreamName", "Uri"}),
    attributes=frozenset(
        {
            "CreatedAt",
            "EventStreamArn",
            "State",
            "DestinationDetails.Status",
            "DestinationDetails.Uri",
        }
    ),
    arn_kind="event-streams",
)
EVENT_TRIGGER = ResourceType(
    name="EventTrigger",
    create="CreateEventTrigger",
    get="GetEventTrigger",
    delete="DeleteEventTrigger",
    update="UpdateEventTrigger",
    identifiers=("DomainName", "EventTriggerName"),
    name_property="EventTriggerName",
    create_only=frozenset({"DomainName", "EventTriggerName"}),
    attributes=frozenset({"CreatedAt", "LastUpdatedAt"}),
    arn_kind="event-triggers",
)
DOMAIN_OBJECT_TYPE = ResourceType(
    name="DomainObjectType",
    create="PutDomainObjectType",
    get="GetDomainObjectType",
    delete="DeleteDomainObjectType",
    update_is_create=True,
    identifiers=("DomainName", "ObjectTypeName"),
    name_property="ObjectTypeName",
    create_only=frozenset({"DomainName", "ObjectTypeName"}),
    attributes=frozenset({"CreatedAt", "LastUpdatedAt"}),
    tier=1,
    arn_kind="domain-object-types",
)
RECOMMENDER = ResourceType(
    name="Recommender",
    create="CreateRecommender",
    get="GetRecommender",
    delete="DeleteRecommender",
    update="UpdateRecommender",
    identifiers=("DomainName", "RecommenderName"),
    name_property="RecommenderName",
    create_only=frozenset(
        {"DomainName", "RecommenderName", "RecommenderRecipeName", "RecommenderSchemaName"}
    ),
    attributes=frozenset({"CreatedAt", "LastUpdatedAt", "RecommenderArn", "Status"}),
    arn_kind="recommenders",
)

RESOURCE_TYPES = [
    DOMAIN,
    OBJECT_TYPE,
    INTEGRATION,
    CALCULATED_ATTRIBUTE,
    SEGMENT_DEFINITION,
    EVENT_STREAM,
    EVENT_TRIGGER,
    DOMAIN_OBJECT_TYPE,
    RECOMMENDER,
]

#: One model class per type. moto finds models as the direct subclasses of
#: CloudFormationModel, and files each under the service the second part of its
#: module names (here "customerprofiles", beside this service's dashboard entries).
MODELS: dict[str, type[_Resource]] = {
    kind.type_name: type(
        f"Cfn{kind.name}",
        (_Resource, CloudFormationModel),
        {"TYPE": kind, "__module__": "customerprofiles_mock.customerprofiles"},
    )
    for kind in RESOURCE_TYPES
}


def reset() -> None:
    """Forget stack-created resources (the state they live in is reset separately)."""
    _live.clear()
