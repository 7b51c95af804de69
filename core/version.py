"""emoflow's version (``emoflow.__version__``): bumped whenever behaviour changes, and part of every cache key."""

__version__ = "0.3.0"
