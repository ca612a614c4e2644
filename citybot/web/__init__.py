"""CityBot's HTTP app on WEB_LISTEN: the Open311 API, the public pages, the sandbox page and,
in webhook mode, the webhook with /healthz and /metrics. Handlers call services, never dialogs."""
