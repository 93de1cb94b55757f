"""Staff tools: checkin."""

urlpatterns = []
