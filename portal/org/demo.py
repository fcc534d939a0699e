"""Demo organisations and accounts (filled in by the shared-kernel issue)."""


def load():
    pass

DEMO_PASSWORD = "Demo@2026"
DEMO_ACCOUNTS: list[tuple[str, str]] = []
