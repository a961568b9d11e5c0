"""A small shop service with the mistakes palisade is built to catch."""
