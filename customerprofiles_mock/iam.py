"""Which resource ARN an operation is authorized against, under moto's IAM authorization.

The Service Authorization Reference names, per action, the resource types it acts
on (reference §1.1). A request is checked against the most specific resource it
names: the child resource in its path (object type, segment definition, ...), else
the integration or object type its body names, else its domain; account-level
operations are checked against ``*``. The IAM action is ``profile:<Operation>``.
"""

from __future__ import annotations

from typing import Any

from .protocol.model import OperationSpec

#: URI label or body member -> the ARN path segment of the resource it names.
_CHILD_KINDS = {
    "ObjectTypeName": "object-types",
    "CalculatedAttributeName": "calculated-attributes",
    "SegmentDefinitionName": "segment-definitions",
    "EventStreamName": "event-streams",
    "EventTriggerName": "event-triggers",
    "LayoutDefinitionName": "layouts",
    "RecommenderName": "recommenders",
    "RecommenderFilterName": "recommender-filters",
    "RecommenderSchemaName": "recommender-schemas",
}


def _kind(spec: OperationSpec, member: str) -> str:
    if member == "ObjectTypeName" and "DomainObjectType" in spec.name:
        return "domain-object-types"
    return _CHILD_KINDS[member]


def resource_arn(spec: OperationSpec, params: dict[str, Any], account_id: str, region: str) -> str:
    """The ARN ``profile:<spec.name>`` is checked against for this request."""
    if isinstance(params.get("resourceArn"), str):  # the tagging operations
        return str(params["resourceArn"])
    domain = params.get("DomainName")
    if not isinstance(domain, str):
        return "*"
    partition = (
        "aws-cn"
        if region.startswith("cn-")
        else ("aws-us-gov" if region.startswith("us-gov-") else "aws")
    )
    base = f"arn:{partition}:profile:{region}:{account_id}:domains/{domain}"
    for label in reversed(spec.label_names):
        if label in _CHILD_KINDS and isinstance(params.get(label), str):
            return f"{base}/{_kind(spec, label)}/{params[label]}"
    if "Integration" in spec.name and isinstance(params.get("Uri"), str):
        return f"{base}/integrations/{params['Uri']}"
    if spec.name.endswith(("ProfileObject", "ProfileObjects")) and isinstance(
        params.get("ObjectTypeName"), str
    ):
        return f"{base}/object-types/{params['ObjectTypeName']}"
    return base
