"""Staff tools: exports."""

urlpatterns = []
