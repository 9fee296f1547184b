"""minzheng (智慧民政) — an open-source smart civil-affairs platform."""

__version__ = "0.1.0"
