"""An ingestion pipeline against the mock: object type, single and batch ingestion,
search, merge. Run it with ``python docs/examples/ingestion_pipeline.py``.
"""

from __future__ import annotations

import json

import boto3

from customerprofiles_mock import mock_customerprofiles

ORDER_TYPE = {
    "Description": "Orders exported by the web shop",
    "AllowProfileCreation": True,
    "Fields": {
        "orderId": {"Source": "_source.order_id"},
        "email": {
            "Source": "_source.customer.email",
            "ContentType": "EMAIL_ADDRESS",
            "Target": "_profile.EmailAddress",
        },
        "name": {
            "Source": "{{_source.customer.first}} {{_source.customer.last}}",
            "Target": "_profile.FirstName",
        },
        "loyaltyId": {"Source": "_source.customer.loyalty_id"},
        "total": {
            "Source": "_source.total",
            "ContentType": "NUMBER",
            "Target": "_profile.Attributes.lastOrderTotal",
        },
    },
    "Keys": {
        "shopOrderId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["orderId"]}],
        "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}],
        "loyaltyId": [
            {"StandardIdentifiers": ["PROFILE", "SECONDARY"], "FieldNames": ["loyaltyId"]}
        ],
    },
}


def order(order_id: str, email: str, first: str, last: str, loyalty: str, total: float) -> str:
    customer = {"email": email, "first": first, "last": last, "loyalty_id": loyalty}
    return json.dumps({"order_id": order_id, "customer": customer, "total": total})


def run() -> dict[str, object]:
    with mock_customerprofiles():
        cp = boto3.client("customer-profiles", region_name="us-east-1")
        cp.create_domain(DomainName="shop", DefaultExpirationDays=365)
        cp.put_profile_object_type(DomainName="shop", ObjectTypeName="Order", **ORDER_TYPE)
        print("object type Order defined")

        first = cp.put_profile_object(
            DomainName="shop",
            ObjectTypeName="Order",
            Object=order("o-1", "ana@example.com", "Ana", "Diaz", "L-1", 20.5),
        )
        print("ingested o-1 as", first["ProfileObjectUniqueKey"])

        batch = cp.batch_put_profile_object(
            DomainName="shop",
            ObjectTypeName="Order",
            Items=[
                {"Id": "2", "Object": order("o-2", "ana@example.com", "Ana", "Diaz", "L-1", 7.0)},
                {"Id": "3", "Object": order("o-3", "ana.work@example.com", "Ana", "D", "L-2", 99)},
                {"Id": "4", "Object": "this is not JSON"},
            ],
        )
        print(
            "batch:",
            len(batch["Successful"]),
            "stored,",
            len(batch["Failed"]),
            "failed:",
            [(f["Id"], f["Code"]) for f in batch["Failed"]],
        )

        found = cp.search_profiles(
            DomainName="shop",
            KeyName="_email",
            Values=["ana@example.com"],
            AdditionalSearchKeys=[{"KeyName": "loyaltyId", "Values": ["L-2"]}],
        )["Items"]
        print("search found", len(found), "profiles for the same customer")

        main, other = found[0]["ProfileId"], found[1]["ProfileId"]
        cp.merge_profiles(DomainName="shop", MainProfileId=main, ProfileIdsToBeMerged=[other])
        merged = cp.search_profiles(DomainName="shop", KeyName="loyaltyId", Values=["L-2"])["Items"]
        objects = cp.list_profile_objects(DomainName="shop", ObjectTypeName="Order", ProfileId=main)
        stats = cp.get_domain(DomainName="shop")["Stats"]
        print(
            "after merge:",
            stats["ProfileCount"],
            "profile holding",
            len(objects["Items"]),
            "orders; L-2 now finds",
            merged[0]["ProfileId"] == main,
        )
        return {
            "profiles_before_merge": len(found),
            "stats": stats,
            "orders_on_main": len(objects["Items"]),
            "merged_found_main": merged[0]["ProfileId"] == main,
            "failed_items": [f["Id"] for f in batch["Failed"]],
        }


if __name__ == "__main__":
    run()
