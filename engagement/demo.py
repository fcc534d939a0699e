"""Demo data of 政企互动: a consultation, articles, the service directory and sessions."""

from engagement import demo_articles, demo_consultations, demo_directory, demo_sessions


def load() -> None:
    demo_consultations.load()
    demo_articles.load()
    demo_directory.load()
    demo_sessions.load()
