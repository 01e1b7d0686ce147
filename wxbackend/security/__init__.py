"""Personal data protection: encryption at rest, lookup hashes and masking."""
