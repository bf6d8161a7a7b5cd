"""Report export (HTML and PDF): not built yet."""


def register_routes(server, ctx) -> None:
    return None
