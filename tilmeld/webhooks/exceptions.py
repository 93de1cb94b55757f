class WebhookError(Exception):
    """A refused subscription, ping or replay; the message is translated and safe to show.
    `code` is the API's problem code ("url", "events", "inactive")."""

    def __init__(self, message, *, code: str):
        super().__init__(message)
        self.message, self.code = message, code
