"""Tools for testing evaluations without a real model: a fault-injecting OpenAI-compatible server."""
