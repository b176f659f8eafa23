"""Integration workflows (reference §8.4): AppFlow-backed historical imports.

A workflow validates its flow definition and object type, creates the (hidden)
integration for its flow, and then runs one step per Batch (one step without batches)
on the mock's clock: NOT_STARTED, IN_PROGRESS while steps run, COMPLETE. No records
arrive (there is no Salesforce or ServiceNow here), so RecordsProcessed stays 0.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from .. import timing
from ..clock import now
from ..exceptions import BadRequestException, ResourceNotFoundException
from .domains import Domain
from .integrations import KIND as INTEGRATIONS
from .integrations import Integration, IntegrationsMixin, flow_names
from .pagination import paginate
from .store import new_id

STATE = "workflows"
#: ConnectorType -> the SourceConnectorProperties member that must describe its source.
#: "The supported Amazon AppFlow sources are Salesforce, ServiceNow, and Marketo."
WORKFLOW_SOURCES = ("Salesforce", "Servicenow", "Marketo")
CONNECTOR_PROPERTIES = {
    "Salesforce": "Salesforce",
    "Marketo": "Marketo",
    "Zendesk": "Zendesk",
    "Servicenow": "ServiceNow",
    "S3": "S3",
}


@dataclass
class Workflow:
    id: str
    flow_name: str
    flow: dict[str, Any]
    object_type: str
    role_arn: str
    batches: list[dict[str, Any]]
    created_at: datetime
    uri: str
    workflow_type: str
    tags: dict[str, str] = field(default_factory=dict)

    def _step_seconds(self) -> float:
        return timing.WORKFLOW_STEP.total

    def steps_done(self, at: datetime | None = None) -> tuple[str, int]:
        """The workflow's status and how many steps have completed."""
        status, _ = timing.WORKFLOW_START.status(self.created_at, at)
        if status == "NOT_STARTED":
            return status, 0
        elapsed = ((at or now()) - self.created_at).total_seconds() - timing.WORKFLOW_START.total
        step = self._step_seconds()
        total = max(len(self.batches), 1)
        done = total if step == 0 else min(total, int(elapsed // step))
        return ("COMPLETE" if done == total else "IN_PROGRESS"), done

    def last_updated(self) -> datetime:
        status, done = self.steps_done()
        if status == "NOT_STARTED":
            return self.created_at
        offset = timing.WORKFLOW_START.total + done * self._step_seconds()
        return self.created_at + timedelta(seconds=offset)


def _workflows(domain: Domain) -> dict[str, Workflow]:
    found: dict[str, Workflow] = domain.state.setdefault(STATE, {})
    return found


class WorkflowsMixin(IntegrationsMixin):
    def _workflow(self, domain: Domain, workflow_id: str) -> Workflow:
        found = domain.state.get(STATE, {}).get(workflow_id)
        if found is None:
            raise ResourceNotFoundException(
                f"Workflow {workflow_id} does not exist in domain {domain.name}."
            )
        return found  # type: ignore[no-any-return]

    def create_integration_workflow(
        self,
        domain_name: str,
        workflow_type: str,
        integration_config: dict[str, Any],
        object_type_name: str,
        role_arn: str,
        tags: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        appflow = integration_config.get("AppflowIntegration")
        if not appflow:
            raise BadRequestException("IntegrationConfig needs AppflowIntegration")
        flow = appflow["FlowDefinition"]
        source = flow["SourceFlowConfig"]
        if source["ConnectorType"] not in WORKFLOW_SOURCES:
            raise BadRequestException(
                f"Integration workflows take the AppFlow sources {', '.join(WORKFLOW_SOURCES)}, "
                f"not {source['ConnectorType']}"
            )
        wanted = CONNECTOR_PROPERTIES[source["ConnectorType"]]
        if wanted not in source["SourceConnectorProperties"]:
            raise BadRequestException(
                f"SourceConnectorProperties must describe the {source['ConnectorType']} source "
                f"({wanted})"
            )
        if not flow["Tasks"]:
            raise BadRequestException("FlowDefinition needs at least one task")
        self._check_object_type(domain, object_type_name)
        uri = (
            f"arn:{self.partition}:appflow:{self.region_name}:{self.account_id}:"
            f"flow/{flow['FlowName']}"
        )
        if flow["FlowName"] in flow_names(domain) or any(
            uri in other.collections[INTEGRATIONS] for other in self.domains.values()
        ):
            raise BadRequestException(f"Flow with name {flow['FlowName']} already exists.")
        batches = [
            {
                k: datetime.fromtimestamp(_epoch(batch[k]), timezone.utc)
                for k in ("StartTime", "EndTime")
            }
            for batch in appflow.get("Batches") or []
        ]
        for batch in batches:
            if batch["StartTime"] >= batch["EndTime"]:
                raise BadRequestException("Each batch's StartTime must be before its EndTime")
        stamp = now()
        workflow_id = new_id()
        workflow = Workflow(
            id=workflow_id,
            flow_name=flow["FlowName"],
            flow=copy.deepcopy(flow),
            object_type=object_type_name,
            role_arn=role_arn,
            batches=batches,
            created_at=stamp,
            uri=uri,
            workflow_type=workflow_type,
            tags=dict(tags or {}),
        )
        _workflows(domain)[workflow_id] = workflow
        domain.collections[INTEGRATIONS][uri] = Integration(
            uri=uri,
            arn=self.arn(f"domains/{domain_name}/{INTEGRATIONS}/{uri}"),
            domain_name=domain_name,
            object_type_name=object_type_name,
            object_type_names=None,
            flow_name=flow["FlowName"],
            role_arn=role_arn,
            event_trigger_names=None,
            scope=None,
            created_at=stamp,
            last_updated_at=stamp,
            workflow_id=workflow_id,
            tags=dict(tags or {}),
        )
        return {"WorkflowId": workflow_id, "Message": "The integration workflow was created."}

    def get_workflow(self, domain_name: str, workflow_id: str) -> dict[str, Any]:
        domain = self.domain(domain_name)
        workflow = self._workflow(domain, workflow_id)
        status, done = workflow.steps_done()
        source = workflow.flow["SourceFlowConfig"]
        return {
            "WorkflowId": workflow.id,
            "WorkflowType": workflow.workflow_type,
            "Status": status,
            "StartDate": workflow.created_at,
            "LastUpdatedAt": workflow.last_updated(),
            "Attributes": {
                "AppflowIntegration": {
                    "SourceConnectorType": source["ConnectorType"],
                    "ConnectorProfileName": source.get("ConnectorProfileName") or "",
                    "RoleArn": workflow.role_arn,
                }
            },
            "Metrics": {
                "AppflowIntegration": {
                    "RecordsProcessed": 0,
                    "StepsCompleted": done,
                    "TotalSteps": max(len(workflow.batches), 1),
                }
            },
        }

    def get_workflow_steps(
        self,
        domain_name: str,
        workflow_id: str,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        workflow = self._workflow(domain, workflow_id)
        status, done = workflow.steps_done()
        batches = workflow.batches or [
            {"StartTime": workflow.created_at, "EndTime": workflow.created_at}
        ]
        step = timedelta(seconds=workflow._step_seconds())
        started = workflow.created_at + timedelta(seconds=timing.WORKFLOW_START.total)
        steps = []
        for index, batch in enumerate(batches):
            state = (
                "COMPLETE"
                if index < done
                else ("IN_PROGRESS" if index == done and status == "IN_PROGRESS" else "NOT_STARTED")
            )
            steps.append(
                {
                    "AppflowIntegration": {
                        "FlowName": workflow.flow_name,
                        "Status": state,
                        "ExecutionMessage": f"Batch {index + 1} of {len(batches)}: {state}",
                        "RecordsProcessed": 0,
                        "BatchRecordsStartTime": batch["StartTime"].isoformat(),
                        "BatchRecordsEndTime": batch["EndTime"].isoformat(),
                        "CreatedAt": workflow.created_at,
                        "LastUpdatedAt": (
                            started + step * (index + 1)
                            if state == "COMPLETE"
                            else workflow.created_at
                        ),
                    }
                }
            )
        page, token = paginate(list(enumerate(steps)), lambda s: s[0], next_token, max_results)
        return {
            "WorkflowId": workflow.id,
            "WorkflowType": workflow.workflow_type,
            "Items": [s for _, s in page],
            "NextToken": token,
        }

    def list_workflows(
        self,
        domain_name: str,
        workflow_type: str | None = None,
        status: str | None = None,
        query_start_date: datetime | None = None,
        query_end_date: datetime | None = None,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        items = []
        for workflow in domain.state.get(STATE, {}).values():
            current, _ = workflow.steps_done()
            created = workflow.created_at.timestamp()
            if workflow_type is not None and workflow.workflow_type != workflow_type:
                continue
            if status is not None and current != status:
                continue
            if query_start_date is not None and created < _epoch(query_start_date):
                continue
            if query_end_date is not None and created > _epoch(query_end_date):
                continue
            items.append(
                {
                    "WorkflowType": workflow.workflow_type,
                    "WorkflowId": workflow.id,
                    "Status": current,
                    "StatusDescription": f"The workflow is {current.lower().replace('_', ' ')}.",
                    "CreatedAt": workflow.created_at,
                    "LastUpdatedAt": workflow.last_updated(),
                }
            )
        page, token = paginate(
            items, lambda i: (i["CreatedAt"].timestamp(), i["WorkflowId"]), next_token, max_results
        )
        return {"Items": page, "NextToken": token}

    def delete_workflow(self, domain_name: str, workflow_id: str) -> dict[str, Any]:
        domain = self.domain(domain_name)
        workflow = self._workflow(domain, workflow_id)
        del domain.state[STATE][workflow_id]
        domain.collections[INTEGRATIONS].pop(workflow.uri, None)
        return {}


def _epoch(value: Any) -> float:
    """A query date as epoch seconds (the dispatcher passes the wire's number or text)."""
    if isinstance(value, datetime):
        return value.timestamp()
    try:
        return float(value)
    except (TypeError, ValueError):
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()
