import pytest
from standardwebhooks.webhooks import Webhook

from tests.webhooks.receiver import Receiver
from tilmeld.webhooks import services
from tilmeld.webhooks.enums import EventType


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


@pytest.fixture
def private_urls(settings):
    """The receiver listens on 127.0.0.1, which production refuses."""
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = True


@pytest.fixture
def subscribe(private_urls, receiver):
    def make(*events, url=None):
        return services.subscribe(url or receiver.url, events=events or EventType.values)

    return make


def verified(receiver, subscription) -> list[dict]:
    """Each request's body in arrival order, verified as a receiver verifies it (raises
    WebhookVerificationError for a bad signature)."""
    webhook = Webhook(subscription.secret)
    return [webhook.verify(request.body, request.headers) for request in receiver.requests]
