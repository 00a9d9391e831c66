"""Dashboard definitions: every Dashboard defined in a module here is compiled."""
