"""How fast the course runs, measured against the usual way, side by side in one process (`make bench`)."""
