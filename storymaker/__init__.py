"""Storymaker: a title and a few characters in, an illustrated picture book out."""

__version__ = "0.1.0"
