"""征求意见 (consultation on draft policies): public pages."""

urlpatterns: list = []
