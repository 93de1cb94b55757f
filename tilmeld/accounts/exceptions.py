class TwoFactorError(Exception):
    """A code that was not accepted; the message is translated and safe to show."""
