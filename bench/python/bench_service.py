"""The benchmark's service, in Python: the same calls as bench/service.ts's BenchService."""


class BenchService:
    """Answers ping and echo."""

    def ping(self, value):
        return value

    def echo(self, value):
        return value
