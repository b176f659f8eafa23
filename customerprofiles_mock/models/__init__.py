"""One regional backend composed from one mixin per resource family.

Each family module owns its operations and its records; the composed class is what
moto's ``BackendDict`` instantiates per account and region.
"""

from __future__ import annotations

import threading

from moto.core.base_backend import BackendDict
from moto.moto_api import state_manager

from .. import timing
from .base import CoreBackend
from .calculated_attributes import CalculatedAttributesMixin
from .detect import DetectMixin
from .domain_object_types import DomainObjectTypesMixin
from .domains import DomainsMixin
from .event_streams import EventStreamsMixin
from .event_triggers import EventTriggersMixin
from .history import HistoryMixin
from .identity import IdentityResolutionMixin
from .ingestion import IngestionMixin
from .insights import InsightsMixin
from .layouts import LayoutsMixin
from .merge import MergeMixin
from .object_types import ObjectTypesMixin
from .objects import ObjectsMixin
from .profiles import ProfilesMixin
from .recommenders import RecommenderFiltersAndSchemasMixin, RecommendersMixin
from .search import SearchMixin
from .segments import SegmentsMixin
from .subscriptions import SubscriptionsMixin
from .tagging import TaggingMixin
from .upload_jobs import UploadJobsMixin
from .workflows import WorkflowsMixin


class CustomerProfilesBackend(
    WorkflowsMixin,
    DomainsMixin,
    TaggingMixin,
    ProfilesMixin,
    SearchMixin,
    MergeMixin,
    HistoryMixin,
    IngestionMixin,
    ObjectTypesMixin,
    ObjectsMixin,
    DetectMixin,
    CalculatedAttributesMixin,
    SegmentsMixin,
    SubscriptionsMixin,
    EventStreamsMixin,
    EventTriggersMixin,
    UploadJobsMixin,
    LayoutsMixin,
    IdentityResolutionMixin,
    DomainObjectTypesMixin,
    InsightsMixin,
    RecommendersMixin,
    RecommenderFiltersAndSchemasMixin,
    CoreBackend,
):
    """All Customer Profiles state of one account in one region.

    Every operation of the model is stateful. Notes on behaviour, read by moto's
    coverage page:

    - Objects are mapped into profiles through their object type's ``Fields`` and
      ``Keys``: a PROFILE key finds the profile to update, ``UNIQUE`` identifies the
      object, ``NEW_ONLY`` keys only index new profiles, ``LOOKUP_ONLY`` keys are not
      stored. SearchProfiles finds profiles by any key, predefined (``_email``,
      ``_phone``, ``_account``, ``_profileId``, ...) or defined by an object type.
    - MergeProfiles moves keys, objects and (per ``FieldSourceProfileIds``) field values
      into the main profile; calculated attributes are computed from the objects,
      segments are evaluated against profiles (CLASSIC groups and SQL), and identity
      resolution (ML and rule-based) groups profiles by their keys.
    - Inputs are validated against the model's constraints (lengths, patterns, enums,
      ranges); every failed call changes nothing, and calls are atomic to each other.
    - Jobs move through their statuses on the clock (freezegun moves it) or, once a
      transition is set, through moto's state manager: ``customerprofiles::recommender``,
      ``identity-resolution-job``, ``calculated-attribute``, ``segment-estimate``,
      ``segment-snapshot``, ``segment-subscription``, ``upload-job``,
      ``recommender-filter``, ``rule-based-matching`` and ``data-store``.
    - Snapshots are written to moto's S3, event streams to moto's Kinesis, failed
      integration files to moto's SQS dead-letter queue. GetUploadJobPath hands out a URL
      that accepts a PUT of the file (under ``mock_aws`` and from moto_server).
    """


# Job-like statuses follow moto's state manager once a user sets a transition.
timing.follow_state_manager(state_manager)

customerprofiles_backends: BackendDict[CustomerProfilesBackend] = BackendDict(
    CustomerProfilesBackend, "customer-profiles"
)


def backend_for(account_id: str, region: str) -> CustomerProfilesBackend:
    """The backend of one account and region, for any region a client may name.

    moto's ``BackendDict`` only creates backends for regions botocore lists for the
    service; tests commonly use others, so those are created on first use too.
    """
    by_region = customerprofiles_backends[account_id]
    found = by_region.get(region)
    if found is None:
        with _creating:
            found = by_region.get(region)
            if found is None:
                found = by_region[region] = CustomerProfilesBackend(region, account_id)
    return found


_creating = threading.Lock()


__all__ = ["CustomerProfilesBackend", "backend_for", "customerprofiles_backends"]
