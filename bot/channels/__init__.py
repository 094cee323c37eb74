"""Channel adapters: each turns one platform's updates into `Inbound` and renders `Outbound`."""
