"""Who is calling: mini-program and H5 sessions kept in the shared store."""
