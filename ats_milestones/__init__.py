"""The project and its kernel. The Celery app is loaded by `KernelConfig.ready()` (apps.py),
not here, so importing a kernel module (errors, events) pulls in neither Celery nor Django."""
