"""HTTP faces of the engine: ``linkvault.api.<tag>.<operation>`` mirrors ``linkvault_client.api.<tag>``."""
