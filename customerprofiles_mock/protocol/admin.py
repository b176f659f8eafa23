"""``/_customerprofiles_mock/clock``: the mock's clock over HTTP, for clients that cannot
use freezegun (the AWS CLI, JavaScript, Java) against the local endpoint.

- ``GET`` answers ``{"Now": <ISO 8601>, "OffsetSeconds": <float>}``;
- ``POST {"Now": "<ISO 8601>"}`` sets the time, ``POST {"AdvanceSeconds": n}`` moves it;
- ``DELETE`` returns to real time.

Moving the clock expires profiles and objects and moves every time-driven status, as
``freeze_time`` does in-process.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from .. import clock
from .context import Response, headers_for, raw_routes

CLOCK_PATH = "/_customerprofiles_mock/clock"


def _bad(message: str) -> Response:
    return 400, headers_for(), json.dumps({"Message": message}).encode()


def serve_clock(
    method: str, path: str, query: str, headers: Mapping[str, Any], body: bytes
) -> Response:
    if path.rstrip("/") != CLOCK_PATH:
        return 404, headers_for(), b'{"Message": "Not found"}'
    if method == "DELETE":
        clock.set_offset(timedelta(0))
    elif method == "POST":
        try:
            wanted = json.loads(body or b"{}")
        except ValueError:
            return _bad("The body must be JSON")
        if not isinstance(wanted, dict):
            return _bad("The body must be a JSON object")
        if "Now" in wanted:
            try:
                target = datetime.fromisoformat(str(wanted["Now"]).replace("Z", "+00:00"))
            except ValueError:
                return _bad("Now must be an ISO 8601 timestamp")
            if target.tzinfo is None:
                target = target.replace(tzinfo=timezone.utc)
            clock.set_offset(clock.offset() + (target - clock.now()))
        elif "AdvanceSeconds" in wanted:
            try:
                seconds = float(wanted["AdvanceSeconds"])
            except (TypeError, ValueError):
                return _bad("AdvanceSeconds must be a number")
            clock.set_offset(clock.offset() + timedelta(seconds=seconds))
        else:
            return _bad("Give Now or AdvanceSeconds")
    elif method != "GET":
        return 405, headers_for(), b'{"Message": "GET, POST or DELETE"}'
    answer = {"Now": clock.now().isoformat(), "OffsetSeconds": clock.offset().total_seconds()}
    return 200, headers_for(), json.dumps(answer).encode()


raw_routes[CLOCK_PATH] = serve_clock
