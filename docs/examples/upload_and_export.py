"""Data in and out: the five-step upload job, then the domain's real-time export read back
from Kinesis.

1. CreateUploadJob   2. GetUploadJobPath   3. PUT the CSV to that URL with ``requests``
4. StartUploadJob    5. GetUploadJob until it leaves IN_PROGRESS
then SearchProfiles finds an uploaded customer, and every profile the upload created is
a record on the event stream's Kinesis stream (moto's, under ``mock_aws``).

Run it with ``python docs/examples/upload_and_export.py``.
"""

from __future__ import annotations

import json
import time

import boto3
import requests
from moto import mock_aws

import customerprofiles_mock  # noqa: F401  (registers customer-profiles with moto)
from customerprofiles_mock import timing

CSV = b"""email,first_name,last_name,city
ana@example.com,Ana,Silva,Lisbon
bo@example.com,Bo,Berg,Oslo
cy@example.com,Cy,Moreau,Lyon
"""
FIELDS = {
    "email": {
        "Source": "_source.email",
        "Target": "_profile.EmailAddress",
        "ContentType": "EMAIL_ADDRESS",
    },
    "first": {"Source": "_source.first_name", "Target": "_profile.FirstName"},
    "last": {"Source": "_source.last_name", "Target": "_profile.LastName"},
    "city": {"Source": "_source.city", "Target": "_profile.Address.City"},
}


def run() -> dict[str, object]:
    timing.SPEED = 0.01  # jobs take milliseconds instead of seconds in this example
    try:
        with mock_aws():
            kinesis = boto3.client("kinesis", region_name="us-east-1")
            kinesis.create_stream(StreamName="profile-export", ShardCount=1)
            stream_arn = kinesis.describe_stream(StreamName="profile-export")["StreamDescription"][
                "StreamARN"
            ]
            cp = boto3.client("customer-profiles", region_name="us-east-1")
            cp.create_domain(DomainName="crm", DefaultExpirationDays=365)
            cp.create_event_stream(DomainName="crm", EventStreamName="export", Uri=stream_arn)

            job_id = cp.create_upload_job(
                DomainName="crm", DisplayName="CRM import", Fields=FIELDS, UniqueKey="email"
            )["JobId"]
            url = cp.get_upload_job_path(DomainName="crm", JobId=job_id)["Url"]
            requests.put(url, data=CSV, timeout=10).raise_for_status()
            cp.start_upload_job(DomainName="crm", JobId=job_id)
            job = cp.get_upload_job(DomainName="crm", JobId=job_id)
            while job["Status"] == "IN_PROGRESS":
                time.sleep(0.01)
                job = cp.get_upload_job(DomainName="crm", JobId=job_id)

            found = cp.search_profiles(
                DomainName="crm", KeyName="_email", Values=["bo@example.com"]
            )["Items"]

            shard = kinesis.describe_stream(StreamName="profile-export")["StreamDescription"][
                "Shards"
            ][0]["ShardId"]
            iterator = kinesis.get_shard_iterator(
                StreamName="profile-export", ShardId=shard, ShardIteratorType="TRIM_HORIZON"
            )["ShardIterator"]
            records = [
                json.loads(r["Data"])
                for r in kinesis.get_records(ShardIterator=iterator)["Records"]
            ]
            exported = [(r["EventType"], r["Object"].get("FirstName")) for r in records]
            print("upload job:", job["Status"], job["ResultsSummary"])
            print("search finds:", [p["FirstName"] for p in found])
            print("exported:", exported)
            return {
                "status": job["Status"],
                "summary": job["ResultsSummary"],
                "found": [p["FirstName"] for p in found],
                "exported": exported,
            }
    finally:
        timing.SPEED = 1.0


if __name__ == "__main__":
    run()
