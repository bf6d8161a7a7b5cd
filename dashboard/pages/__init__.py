"""One module per page: ``layout(ctx, **params)`` builds it, ``register(app, ctx)`` adds its callbacks."""
