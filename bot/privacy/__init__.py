"""Personal data: ID numbers sealed at rest (`sealing`), and masked wherever shown (`masking`)."""
