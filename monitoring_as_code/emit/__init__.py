"""Stage 3: emitters, one module per output format. Each turns the model into
{relative path: bytes} without touching the filesystem."""
