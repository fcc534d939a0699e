"""Admin registrations (see applications/admin.py)."""
