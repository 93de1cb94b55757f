"""Staff tools: messages."""

urlpatterns = []
