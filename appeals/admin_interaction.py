"""The interaction area's moderation and answers in the admin (政策抒见互动区)."""
