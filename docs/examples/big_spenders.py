"""Big spenders: purchases in, a 30-day spend attribute, a segment on it, membership, and
a snapshot of the segment written to (moto's) S3.

Run it with ``python docs/examples/big_spenders.py``. It uses ``moto.mock_aws``, which
serves customer-profiles beside moto's S3 once ``customerprofiles_mock`` is imported.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import boto3
from freezegun import freeze_time
from moto import mock_aws

import customerprofiles_mock  # noqa: F401  (registers customer-profiles with moto)

PURCHASE = {
    "Description": "Purchases from the web shop",
    "AllowProfileCreation": True,
    "Fields": {
        "purchaseId": {"Source": "_source.id"},
        "email": {
            "Source": "_source.email",
            "ContentType": "EMAIL_ADDRESS",
            "Target": "_profile.EmailAddress",
        },
        "name": {"Source": "_source.name", "Target": "_profile.FirstName"},
        "amount": {"Source": "_source.amount", "ContentType": "NUMBER"},
    },
    "Keys": {
        "purchaseId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["purchaseId"]}],
        "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}],
    },
}
PURCHASES = [  # (days ago, id, customer, amount)
    (45, "p1", ("ana@example.com", "Ana"), 900),  # too old to count
    (20, "p2", ("ana@example.com", "Ana"), 300),
    (3, "p3", ("ana@example.com", "Ana"), 250),
    (10, "p4", ("bo@example.com", "Bo"), 80),
    (2, "p5", ("cy@example.com", "Cy"), 600),
]


def run() -> dict[str, object]:
    with mock_aws(), freeze_time("2026-03-01") as clock:
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="marketing-exports")
        cp = boto3.client("customer-profiles", region_name="us-east-1")
        cp.create_domain(DomainName="shop", DefaultExpirationDays=365)
        cp.put_profile_object_type(DomainName="shop", ObjectTypeName="Purchase", **PURCHASE)
        cp.create_calculated_attribute_definition(
            DomainName="shop",
            CalculatedAttributeName="spend_30d",
            DisplayName="Spend over 30 days",
            Statistic="SUM",
            AttributeDetails={
                "Attributes": [{"Name": "amount"}],
                "Expression": "{Purchase.amount}",
            },
            Conditions={"Range": {"Value": 30, "Unit": "DAYS"}},
            UseHistoricalData=True,
        )
        start = clock.time_to_freeze
        for days_ago, purchase_id, (email, name), amount in sorted(PURCHASES, reverse=True):
            clock.move_to(start - timedelta(days=days_ago))
            document = {"id": purchase_id, "email": email, "name": name, "amount": amount}
            cp.put_profile_object(
                DomainName="shop", ObjectTypeName="Purchase", Object=json.dumps(document)
            )
        clock.move_to(start)

        cp.create_segment_definition(
            DomainName="shop",
            SegmentDefinitionName="big_spenders",
            DisplayName="Spent over 500 in 30 days",
            SegmentGroups={
                "Include": "ALL",
                "Groups": [
                    {
                        "Type": "ALL",
                        "Dimensions": [
                            {
                                "CalculatedAttributes": {
                                    "spend_30d": {
                                        "DimensionType": "GREATER_THAN",
                                        "Values": ["500"],
                                    }
                                }
                            }
                        ],
                    }
                ],
            },
            SegmentSort={
                "Attributes": [
                    {
                        "Name": "spend_30d",
                        "DataType": "NUMBER",
                        "Order": "DESC",
                        "Type": "CALCULATED",
                    }
                ]
            },
        )
        customers = cp.search_profiles(
            DomainName="shop",
            KeyName="_email",
            Values=["ana@example.com", "bo@example.com", "cy@example.com"],
        )["Items"]
        by_name = {p["FirstName"]: p["ProfileId"] for p in customers}
        spend = {
            name: cp.get_calculated_attribute_for_profile(
                DomainName="shop", ProfileId=pid, CalculatedAttributeName="spend_30d"
            )["Value"]
            for name, pid in by_name.items()
        }
        membership = cp.get_segment_membership(
            DomainName="shop",
            SegmentDefinitionName="big_spenders",
            ProfileIds=list(by_name.values()),
        )
        present = {
            name
            for name, pid in by_name.items()
            for p in membership["Profiles"]
            if p["ProfileId"] == pid and p["QueryResult"] == "PRESENT"
        }

        snapshot = cp.create_segment_snapshot(
            DomainName="shop",
            SegmentDefinitionName="big_spenders",
            DataFormat="CSV",
            DestinationUri="s3://marketing-exports/big-spenders",
        )
        clock.tick(timedelta(minutes=1))
        status = cp.get_segment_snapshot(
            DomainName="shop",
            SegmentDefinitionName="big_spenders",
            SnapshotId=snapshot["SnapshotId"],
        )["Status"]
        key = f"big-spenders/{snapshot['SnapshotId']}.csv"
        body = s3.get_object(Bucket="marketing-exports", Key=key)["Body"].read().decode()
        exported = [row["FirstName"] for row in csv.DictReader(io.StringIO(body))]

        print("30-day spend:", spend)
        print("big spenders:", sorted(present), "| snapshot", status, "->", exported)
        return {"spend": spend, "members": present, "status": status, "exported": exported}


if __name__ == "__main__":
    run()
