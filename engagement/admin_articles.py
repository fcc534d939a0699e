"""专题文章 (feature articles attached to policies): the back office."""
