"""线上政策咨询会 (online consultation sessions: 云直播、云综窗): use cases and registrations."""
