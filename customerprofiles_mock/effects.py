"""Effects on other AWS services (S3 objects, Kinesis records, SQS messages), and the
event-trigger firings that would reach Amazon Connect.

Where AWS would write to another service (a segment snapshot to S3, an event to a
Kinesis stream, a failed file to a dead-letter queue), the families call this module.
Every effect is kept in the account and region's :class:`Outbox`, readable with
:func:`customerprofiles_mock.outbox`; when ``moto.mock_aws`` is active it is also
delivered to moto's copy of the service, so a test can read it back with a normal boto3
client. This is the only module that touches moto's S3, Kinesis and SQS backends.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


def _moto_always_answers() -> bool:
    return True


#: Whether moto's own services are answering (``mock_aws`` is active). Inside moto
#: they always are; the plugin's ``moto_bridge`` replaces this with its stubber check.
moto_is_answering: Callable[[], bool] = _moto_always_answers


@dataclass
class Outbox:
    """What the mock sent to other services in one account and region."""

    #: ``s3://bucket/key`` -> body
    s3: dict[str, bytes] = field(default_factory=dict)
    #: Kinesis stream ARN -> records ({"PartitionKey": ..., "Data": bytes}), in order
    kinesis: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: SQS queue URL -> message bodies, in order
    sqs: dict[str, list[str]] = field(default_factory=dict)
    #: every event-trigger firing: EventTriggerName, DomainName, ProfileId,
    #: ObjectTypeName, ProfileObjectUniqueKey, FiredAt
    event_triggers: list[dict[str, Any]] = field(default_factory=list)


def _record(undo: Callable[[], object]) -> None:
    """``models.journal.record``, imported on first use (the models import this module)."""
    global _journal_record
    if _journal_record is None:
        from .models.journal import record

        _journal_record = record
    _journal_record(undo)


_journal_record: Callable[[Callable[[], object]], None] | None = None


def _append(records: list[Any], record: Any) -> None:
    """Keep an effect in the outbox; a call that fails afterwards takes it back."""
    records.append(record)
    _record(records.pop)


def _keep(mapping: dict[str, Any], key: str, value: Any) -> None:
    had, old = key in mapping, mapping.get(key)
    mapping[key] = value
    _record(lambda: mapping.__setitem__(key, old) if had else mapping.pop(key, None))


def keep_firing(outbox: Outbox, firing: dict[str, Any]) -> None:
    """An event-trigger firing, kept like every other effect."""
    _append(outbox.event_triggers, firing)


class DeliveryError(Exception):
    """The destination does not exist in moto (only raised while mock_aws is active)."""


def split_s3_uri(uri: str) -> tuple[str, str]:
    """``s3://bucket/some/prefix`` -> (``bucket``, ``some/prefix``)."""
    rest = uri.removeprefix("s3://")
    bucket, _, prefix = rest.partition("/")
    return bucket, prefix


def put_s3_object(outbox: Outbox, account_id: str, uri: str, body: bytes) -> None:
    """Write an object; under mock_aws a missing bucket raises DeliveryError."""
    bucket, key = split_s3_uri(uri)
    if moto_is_answering():
        from moto.s3.models import s3_backends

        backend = s3_backends[account_id]["aws"]
        try:
            backend.get_bucket(bucket)
        except Exception as error:  # moto's MissingBucket and friends
            raise DeliveryError(f"The S3 bucket {bucket} does not exist") from error
        backend.put_object(bucket, key, body)
    _keep(outbox.s3, uri, body)


def s3_objects(
    account_id: str, bucket: str, prefix: str
) -> list[tuple[str, str, Callable[[], bytes]]]:
    """(key, etag, body reader) of moto's objects under a prefix; [] when mock_aws is off
    or the bucket does not exist (nothing else holds S3 objects)."""
    if not moto_is_answering():
        return []
    from moto.s3.models import s3_backends

    try:
        found = s3_backends[account_id]["aws"].get_bucket(bucket)
    except Exception:
        return []
    objects: list[tuple[str, str, Callable[[], bytes]]] = []
    for key_name in list(found.keys):
        if key_name.startswith(prefix):
            key = found.keys[key_name]
            if key is not None and hasattr(key, "value"):
                objects.append((key_name, str(key.etag), _reader(key)))
    return objects


def _reader(key: Any) -> Callable[[], bytes]:
    return lambda: bytes(key.value)


def kinesis_stream_exists(account_id: str, region: str, stream_arn: str) -> bool:
    """Whether moto has the stream; always True when mock_aws is not active."""
    if not moto_is_answering():
        return True
    from moto.kinesis.models import kinesis_backends

    try:
        kinesis_backends[account_id][region].describe_stream(
            stream_arn=stream_arn, stream_name=None
        )
    except Exception:
        return False
    return True


def put_kinesis_record(
    outbox: Outbox, account_id: str, region: str, stream_arn: str, data: bytes, partition_key: str
) -> None:
    """Append a record; under mock_aws a missing stream raises DeliveryError."""
    if moto_is_answering():
        from moto.kinesis.models import kinesis_backends

        try:
            stream = kinesis_backends[account_id][region].describe_stream(
                stream_arn=stream_arn, stream_name=None
            )
        except Exception as error:
            raise DeliveryError(f"The Kinesis stream {stream_arn} does not exist") from error
        stream.put_record(partition_key, None, base64.b64encode(data).decode())  # type: ignore[arg-type]
    record = {"PartitionKey": partition_key, "Data": data}
    _append(outbox.kinesis.setdefault(stream_arn, []), record)


def send_sqs_message(
    outbox: Outbox, account_id: str, region: str, queue_url: str, body: str
) -> None:
    """Send a message; under mock_aws a missing queue raises DeliveryError."""
    if moto_is_answering():
        from moto.sqs.models import sqs_backends

        name = queue_url.rstrip("/").rsplit("/", 1)[-1]
        try:
            sqs_backends[account_id][region].send_message(name, body)
        except Exception as error:  # moto's QueueDoesNotExist
            raise DeliveryError(f"The SQS queue {queue_url} does not exist") from error
    _append(outbox.sqs.setdefault(queue_url, []), body)
