"""HA-free async clients of the vendor clouds.

Each sub-package imports only the standard library, aiohttp and its own modules, so it can be
lifted out and published as a library.
"""
