from django.core.management.commands import makemessages


class Command(makemessages.Command):
    """makemessages without fuzzy guesses: a wrong guess is worse than a visible gap."""

    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
