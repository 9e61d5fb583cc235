"""Fatal errors: each stops one command with a clear message (exit status 2), never a traceback."""


class LaaError(Exception):
    """Something laa_xl cannot do; the message says what and what to do next."""


class UnreadableFile(LaaError):
    """A file that cannot be read safely or at all."""


class BadRegister(LaaError):
    """The register has errors that make it unusable."""
