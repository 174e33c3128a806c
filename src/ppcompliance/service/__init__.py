"""The HTTP service: ``ppcheck serve`` (installed with ``pip install 'ppcompliance[serve]'``).

``create_app(config)`` gives the ASGI application; ``service.pool`` runs evaluation in worker processes;
``service.openapi`` builds the OpenAPI document from the published schemas. docs/service.md describes the API.
"""

from .config import ServiceConfig

__all__ = ["ServiceConfig"]
