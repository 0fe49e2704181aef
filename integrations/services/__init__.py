"""The services of integrations: every write, one module per use case."""
