"""Role sync and fast password hashing come from tests/conftest.py for the whole suite."""
