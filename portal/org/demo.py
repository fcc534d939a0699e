"""Demo organisations and accounts (filled in by the shared-kernel issue)."""


def load():
    pass


DEMO_PASSWORD = "Demo@2026"  # noqa: S105 - printed for the demo; never used in production
DEMO_ACCOUNTS: list[tuple[str, str]] = []
