"""征求意见 (consultation on draft policies): use cases and registrations."""
