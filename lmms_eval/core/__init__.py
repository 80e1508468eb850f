"""Core vocabulary: typed requests, responses, errors and the registry. No heavy imports here."""
