"""OAuth2 client logic, free of any web framework: what linkvault does, called by ``linkvault.api``."""
