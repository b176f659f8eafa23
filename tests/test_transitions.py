"""Job statuses move through moto's state manager, the way moto users drive any service.

Runs as it is with the plugin, inside moto in decorator mode, and against a moto_server
(``TEST_SERVER_MODE=true``), where the transitions travel over HTTP
(``/moto-api/state-manager/set-transition``): nobody sleeps for a job to finish.
"""

from __future__ import annotations

from typing import Any

from tests.native import set_transitions

MODELS = ("recommender", "identity-resolution-job")


def test_identity_job_and_recommender_finish_through_the_state_manager(
    customerprofiles_client: Any,
) -> None:
    cp = customerprofiles_client
    cp.create_domain(DomainName="sm", DefaultExpirationDays=30, Matching={"Enabled": True})
    cp.create_recommender(
        DomainName="sm", RecommenderName="r", RecommenderRecipeName="popular-items"
    )
    assert cp.get_recommender(DomainName="sm", RecommenderName="r")["Status"] == "PENDING"
    [job] = cp.list_identity_resolution_jobs(DomainName="sm")["IdentityResolutionJobsList"]
    assert job["Status"] == "PENDING"  # the weekly job waits for its day
    set_transitions({"progression": "immediate"}, MODELS)
    try:
        assert cp.get_recommender(DomainName="sm", RecommenderName="r")["Status"] == "ACTIVE"
        jobs = cp.list_identity_resolution_jobs(DomainName="sm")["IdentityResolutionJobsList"]
        [done] = [j for j in jobs if j["JobId"] == job["JobId"]]
        assert done["Status"] == "COMPLETED"
        found = cp.get_identity_resolution_job(DomainName="sm", JobId=job["JobId"])
        assert found["Status"] == "COMPLETED"
        assert found["JobStats"]["NumberOfProfilesReviewed"] == 0
        # The weekly schedule goes on: one job finished, not a year of them.
        assert [j["Status"] for j in jobs].count("COMPLETED") == 1
    finally:
        set_transitions(None, MODELS)
    cp.create_recommender(
        DomainName="sm", RecommenderName="r2", RecommenderRecipeName="popular-items"
    )
    assert cp.get_recommender(DomainName="sm", RecommenderName="r2")["Status"] == "PENDING"


def test_manual_transitions_move_one_status_per_read(customerprofiles_client: Any) -> None:
    cp = customerprofiles_client
    cp.create_domain(DomainName="m", DefaultExpirationDays=30)
    set_transitions({"progression": "manual", "times": 1}, ("recommender",))
    try:
        cp.create_recommender(
            DomainName="m", RecommenderName="r", RecommenderRecipeName="popular-items"
        )
        seen = [cp.get_recommender(DomainName="m", RecommenderName="r")["Status"] for _ in range(4)]
    finally:
        set_transitions(None, ("recommender",))
    assert seen[0] == "PENDING" and seen[-1] == "ACTIVE"
    assert seen == sorted(seen, key=["PENDING", "IN_PROGRESS", "ACTIVE"].index)
