"""Partners' returns of figures, their validation and their sign-off."""
