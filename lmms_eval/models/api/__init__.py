"""Shared machinery of the remote backends: adaptive concurrency, retries, media encoding, message building.

``runner.APIModel`` runs requests on an asyncio loop with an AIMD concurrency limit (``limiter``), retries
transient failures with backoff and Retry-After (``retry``), and turns whatever still fails into an error
record. Backends (``openai_compat``, ``openai_sdk``, ``anthropic_sdk``, ``gemini_sdk``) only implement one
``send`` coroutine each.
"""
