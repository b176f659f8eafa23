"""Local HTTP endpoint for the AWS CLI and non-Python SDKs (``--endpoint-url``).

Built on moto's server, so every moto service is served beside customer-profiles. It
takes moto_server's flags, because moto_server itself cannot serve this service: moto
imports a service's module only from its own package, and nothing there imports this
one (docs/getting-started.md, "Local endpoint").
"""

from __future__ import annotations

import argparse
import os

from . import __version__, moto_bridge


def parser() -> argparse.ArgumentParser:
    """moto_server's options, with the same names and defaults, plus ``--version``."""
    parser = argparse.ArgumentParser(
        prog="customerprofiles-mock",
        description="Serve the mocked Customer Profiles API (and moto's services) over HTTP. "
        "POST /moto-api/reset empties every service, as with moto_server.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-H", "--host", default="127.0.0.1", help="address to bind (loopback)")
    parser.add_argument(
        "-p",
        "--port",
        type=int,
        default=int(os.environ.get("MOTO_PORT", 5000)),
        help="port to bind (MOTO_PORT, else 5000)",
    )
    parser.add_argument("-r", "--reload", action="store_true", help="reload on a file change")
    parser.add_argument("-s", "--ssl", action="store_true", help="serve https, ad-hoc certificate")
    parser.add_argument("-c", "--ssl-cert", help="path to an SSL certificate")
    parser.add_argument("-k", "--ssl-key", help="path to its private key")
    return parser


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    forwarded = ["--host", args.host, "--port", str(args.port)]
    forwarded += ["--reload"] * args.reload + ["--ssl"] * args.ssl
    if args.ssl_cert:
        forwarded += ["--ssl-cert", args.ssl_cert]
    if args.ssl_key:
        forwarded += ["--ssl-key", args.ssl_key]
    moto_bridge.run_server(forwarded)
