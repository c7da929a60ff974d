"""exportwatch: track China's export controls on critical minerals."""
__version__ = "0.1.0"
