"""Maintainer command-line tools: pin, normalize, generate, check, diff, bump."""
