"""``make up``: the whole system on this machine until Ctrl-C."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from types import FrameType

from devstack.stack import ROOT, SERVICES, Stack
from devstack.tokens import DEV_USERS, mint


def main() -> None:
    """Starts the stack, prints how to use it, and stops it cleanly on Ctrl-C or SIGTERM."""
    started = time.monotonic()
    os.environ.setdefault("GATEWAY_PORT", "8080")
    stack = Stack.from_environment(Path(os.environ.get("CALLSHEET_STATE_DIR", ROOT / ".devstack" / "up")))
    stopping = False

    def on_signal(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    # SIGINT explicitly too: a shell that starts us in the background leaves SIGINT ignored.
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    print("starting Callsheet …", flush=True)
    stack.start()
    print(f"\nCallsheet is up in {time.monotonic() - started:.1f}s\n")
    print(f"  GraphQL   POST {stack.gateway_url}/graphql")
    print(f"  REST      {stack.gateway_url}/v1   (OpenAPI: {stack.gateway_url}/openapi.json)")
    print(f"  health    {stack.gateway_url}/healthz   {stack.gateway_url}/readyz")
    if stack.mail_http_url:
        print(f"  mailbox   {stack.mail_http_url}/messages   (SMTP sink on {stack.smtp[0]}:{stack.smtp[1]})")  # type: ignore[index]
    if stack.push_url:
        print(f"  push      {stack.push_url}/messages   (dev FCM; the real FCM adapter sends there)")
    print(f"  postgres  {stack.database_url}")
    print(f"  nats      {stack.nats_url}")
    print("  services  " + ", ".join(f"{name}=127.0.0.1:{stack.ports[name]}" for name in SERVICES))
    print(f"  logs      {stack.state_dir / 'logs'}\n")
    print("Dev tokens (Authorization: Bearer …):")
    for user, roles in DEV_USERS.items():
        print(f"  {user:<13} {mint(user, roles, secret=stack.jwt_secret)}")
    print("\nCtrl-C stops everything.", flush=True)
    try:
        while not stopping:
            for process in stack.processes.values():
                if process.popen.poll() is not None:
                    print(f"{process.name} exited ({process.popen.returncode}):\n{process.log_tail()}")
                    stopping = True
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        print("\nstopping …", flush=True)
        stack.stop()
        print("stopped.")


if __name__ == "__main__":
    main()
