"""Local HTTP endpoint for the AWS CLI and non-Python SDKs (``--endpoint-url``).

Built on moto's server, so every moto service is served beside customer-profiles.
"""

from __future__ import annotations

import argparse

from . import moto_bridge


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="customerprofiles-mock",
        description="Serve the mocked Customer Profiles API (and moto's services) over HTTP.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback)")
    parser.add_argument("--port", type=int, default=5000, help="port to bind (default: 5000)")
    args = parser.parse_args(argv)
    moto_bridge.run_server(args.host, args.port)
