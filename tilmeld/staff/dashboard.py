"""Staff tools: dashboard."""

urlpatterns = []
