"""Integrations (reference §8.1): how data reaches a domain.

PutIntegration is an upsert keyed by (domain, Uri). An integration whose Uri is
``s3://bucket[/prefix]`` is live under ``mock_aws``: before each call is answered, JSON
and CSV files that appeared in moto's bucket under the prefix are ingested as the
integration's object type (one profile object per JSON object or CSV row), each file
once; what fails goes to the domain's dead-letter queue when moto has it.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import io
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .. import effects
from ..clock import now
from ..exceptions import BadRequestException, CustomerProfilesError, ResourceNotFoundException
from .base import BEFORE_CALL, CoreBackend
from .domain_object_types import KIND as DOMAIN_OBJECT_TYPES
from .domain_object_types import ingest_record
from .domains import Domain
from .ingestion import IngestionMixin
from .pagination import paginate
from .templates import template

KIND = "integrations"
MAX_INTEGRATIONS = 50  # default quota per domain (Administrator Guide)
#: The event types ObjectTypeNames takes (PutIntegration's ObjectTypeNames documentation).
EVENT_TYPES = frozenset(
    {
        "SegmentIdentify",
        "ShopifyCreateCustomers",
        "ShopifyUpdateCustomers",
        "ShopifyCreateDraftOrders",
        "ShopifyUpdateDraftOrders",
        "ShopifyCreateOrders",
        "ShopifyUpdatedOrders",
    }
)
#: The ObjectTypeName that makes a FlowDefinition's flow an unstructured one (IsUnstructured).
UNSTRUCTURED = "_unstructured"


@dataclass
class Integration:
    uri: str
    arn: str
    domain_name: str
    object_type_name: str | None
    object_type_names: dict[str, str] | None
    flow_name: str | None
    role_arn: str | None
    event_trigger_names: list[str] | None
    scope: str | None
    created_at: datetime
    last_updated_at: datetime
    workflow_id: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    #: (key, etag) of the S3 files already ingested
    seen: set[tuple[str, str]] = field(default_factory=set)

    @property
    def hidden(self) -> bool:
        """Integrations a workflow created are hidden from plain listings [inference]."""
        return self.workflow_id is not None

    def describe(self) -> dict[str, Any]:
        return {
            "DomainName": self.domain_name,
            "Uri": self.uri,
            "ObjectTypeName": self.object_type_name,
            "ObjectTypeNames": self.object_type_names,
            "CreatedAt": self.created_at,
            "LastUpdatedAt": self.last_updated_at,
            "WorkflowId": self.workflow_id,
            "IsUnstructured": self.object_type_name == UNSTRUCTURED,
            "RoleArn": self.role_arn,
            "EventTriggerNames": self.event_trigger_names,
            "Scope": self.scope or "PROFILE",
            "Tags": self.tags,
        }


def flow_names(domain: Domain) -> set[str]:
    """AppFlow flow names in use by the domain's integrations and workflows."""
    names = {i.flow_name for i in domain.collections[KIND].values() if i.flow_name}
    names |= {w.flow_name for w in domain.state.get("workflows", {}).values()}
    return names


def _records(key: str, body: bytes) -> list[dict[str, Any]]:
    """The objects in one file: CSV rows, a JSON object, a JSON array or JSON lines."""
    text = body.decode("utf-8-sig")
    if key.lower().endswith(".csv"):
        return [dict(row) for row in csv.DictReader(io.StringIO(text))]
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = [json.loads(line) for line in text.splitlines() if line.strip()]
    rows = parsed if isinstance(parsed, list) else [parsed]
    if not all(isinstance(row, dict) for row in rows):
        raise ValueError("every record must be a JSON object")
    return rows


class IntegrationsMixin(IngestionMixin):
    def _integration(self, domain: Domain, uri: str) -> Integration:
        found: Integration = domain.named(KIND, uri, "Integration")
        return found

    def _check_object_type(self, domain: Domain, name: str, scope: str | None = None) -> None:
        if scope == "DOMAIN":  # domain-level data goes to a domain object type
            if name not in domain.collections[DOMAIN_OBJECT_TYPES]:
                raise BadRequestException(
                    f"Domain object type {name} does not exist in domain {domain.name}"
                )
            return
        if name not in domain.collections["object-types"] and template(name) is None:
            raise BadRequestException(
                f"Object type {name} does not exist in domain {domain.name} and is not a "
                "template id"
            )

    def put_integration(
        self,
        domain_name: str,
        uri: str | None = None,
        object_type_name: str | None = None,
        object_type_names: dict[str, str] | None = None,
        tags: dict[str, str] | None = None,
        flow_definition: dict[str, Any] | None = None,
        role_arn: str | None = None,
        event_trigger_names: list[str] | None = None,
        scope: str | None = None,
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        flow_name = (flow_definition or {}).get("FlowName")
        if uri is None and flow_name is None:
            raise BadRequestException("Give a Uri, or a FlowDefinition to create the flow from")
        given_uri = uri
        uri = (
            uri
            or f"arn:{self.partition}:appflow:{self.region_name}:{self.account_id}:flow/{flow_name}"
        )
        if object_type_name is None and not object_type_names:
            raise BadRequestException("Give ObjectTypeName or ObjectTypeNames")
        unknown = sorted(set(object_type_names or {}) - EVENT_TYPES)
        if unknown:
            raise BadRequestException(
                f"ObjectTypeNames takes the event types {', '.join(sorted(EVENT_TYPES))}, "
                f"not {', '.join(unknown)}"
            )
        for name in [object_type_name, *(object_type_names or {}).values()]:
            if name is not None and name != UNSTRUCTURED:
                self._check_object_type(domain, name, scope)
        existing: Integration | None = domain.collections[KIND].get(uri)
        # Creating a flow that exists already (no Uri names the integration to update) is
        # what AWS's own CloudFormation handler matches on.
        if (
            flow_name is not None
            and flow_name in flow_names(domain)
            and (given_uri is None or existing is None or existing.flow_name != flow_name)
        ):
            raise BadRequestException(f"Flow with name {flow_name} already exists.")
        # "An integration can belong to only one domain."
        for other in self.domains.values():
            if other is not domain and uri in other.collections[KIND]:
                raise BadRequestException(
                    f"Integration {uri} already belongs to domain {other.name}"
                )
        if event_trigger_names is not None:
            if len(event_trigger_names) != 1:
                raise BadRequestException("EventTriggerNames takes exactly one event trigger")
            missing = [
                n for n in event_trigger_names if n not in domain.collections["event-triggers"]
            ]
            if missing:
                raise BadRequestException(f"Event trigger {missing[0]} does not exist")
        if existing is None and len(domain.collections[KIND]) >= MAX_INTEGRATIONS:
            raise BadRequestException(
                f"Domain {domain_name} already has {MAX_INTEGRATIONS} integrations"
            )
        stamp = now()
        integration = Integration(
            uri=uri,
            arn=self.arn(f"domains/{domain_name}/{KIND}/{uri}"),
            domain_name=domain_name,
            object_type_name=object_type_name,
            object_type_names=copy.deepcopy(object_type_names),
            flow_name=flow_name,
            role_arn=role_arn,
            event_trigger_names=list(event_trigger_names) if event_trigger_names else None,
            scope=scope,
            created_at=existing.created_at if existing else stamp,
            last_updated_at=stamp,
            workflow_id=existing.workflow_id if existing else None,
            # Tags of an existing integration change through TagResource/UntagResource only.
            tags=existing.tags if existing else dict(tags or {}),
            seen=existing.seen if existing else set(),
        )
        domain.collections[KIND][uri] = integration
        return integration.describe()

    def get_integration(self, domain_name: str, uri: str) -> dict[str, Any]:
        return self._integration(self.domain(domain_name), uri).describe()

    def delete_integration(self, domain_name: str, uri: str) -> dict[str, Any]:
        domain = self.domain(domain_name)
        self._integration(domain, uri)
        del domain.collections[KIND][uri]
        return {"Message": f"Integration {uri} was deleted."}

    def list_integrations(
        self,
        domain_name: str,
        next_token: str | None = None,
        max_results: int | None = None,
        include_hidden: bool | None = None,
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        found = [i for i in domain.collections[KIND].values() if include_hidden or not i.hidden]
        page, token = paginate(found, lambda i: i.uri, next_token, max_results)
        return {"Items": [i.describe() for i in page], "NextToken": token}

    def list_account_integrations(
        self,
        uri: str,
        next_token: str | None = None,
        max_results: int | None = None,
        include_hidden: bool | None = None,
    ) -> dict[str, Any]:
        found = [
            integration
            for domain in self.domains.values()
            if (integration := domain.collections[KIND].get(uri)) is not None
            and (include_hidden or not integration.hidden)
        ]
        page, token = paginate(found, lambda i: i.domain_name, next_token, max_results)
        return {"Items": [i.describe() for i in page], "NextToken": token}

    # -- S3 integrations ------------------------------------------------------------
    def _ingest_s3(self, domain: Domain, integration: Integration) -> None:
        bucket, prefix = effects.split_s3_uri(integration.uri)
        type_name = integration.object_type_name or next(
            iter((integration.object_type_names or {}).values()), None
        )
        if type_name is None:
            return
        domain_type = (
            domain.collections[DOMAIN_OBJECT_TYPES].get(type_name)
            if integration.scope == "DOMAIN"
            else None
        )
        for key, etag, read in effects.s3_objects(self.account_id, bucket, prefix):
            if (key, etag) in integration.seen or key.endswith("/"):
                continue
            integration.seen.add((key, etag))
            try:
                rows = _records(key, read())
            except (ValueError, UnicodeDecodeError) as error:
                self._dead_letter(domain, integration, key, None, f"Unreadable file: {error}")
                continue
            for row in rows:
                try:
                    if integration.scope == "DOMAIN":
                        if domain_type is None:
                            raise ResourceNotFoundException(
                                f"Domain object type {type_name} does not exist"
                            )
                        ingest_record(domain, domain_type, json.dumps(row))
                    else:
                        object_type = self.object_type_for(domain, type_name)
                        self._ingest(domain, object_type, json.dumps(row))
                except CustomerProfilesError as error:
                    self._dead_letter(domain, integration, key, row, error.message)

    def _dead_letter(
        self,
        domain: Domain,
        integration: Integration,
        key: str,
        row: dict[str, Any] | None,
        reason: str,
    ) -> None:
        if not domain.dead_letter_queue_url:
            return
        message = json.dumps(
            {
                "DomainName": domain.name,
                "Uri": integration.uri,
                "Key": key,
                "Object": row,
                "Reason": reason,
            }
        )
        # No such queue in moto: the record is dropped, as AWS could not deliver it either.
        with contextlib.suppress(effects.DeliveryError):
            effects.send_sqs_message(
                self.outbox,
                self.account_id,
                self.region_name,
                domain.dead_letter_queue_url,
                message,
            )


def _poll_s3(backend: CoreBackend) -> None:
    if not isinstance(backend, IntegrationsMixin):
        return
    for domain in backend.domains.values():
        for integration in list(domain.collections[KIND].values()):
            if integration.uri.startswith("s3://"):
                backend._ingest_s3(domain, integration)


BEFORE_CALL.append(_poll_s3)
