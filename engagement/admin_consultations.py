"""征求意见 (consultation on draft policies): the back office."""
