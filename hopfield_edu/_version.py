"""The package version, in a module without imports so that reading it costs nothing.

``pyproject.toml`` reads it (``[tool.setuptools.dynamic]``), and so do
``hopfield_edu.__version__`` and ``hopfield-edu --version``.
"""
__version__ = "0.1.0"
