class InvoicingError(Exception):
    """A rule refused the change. The message is translated and safe to show to staff."""

    def __init__(self, message, *, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self):
        return str(self.message)
