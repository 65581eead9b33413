"""tisguard: find products sold online in Thailand without the mandatory TIS (มอก.) licence."""

__version__ = "0.1.0"
