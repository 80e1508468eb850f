"""The ``lmms-eval`` command: one module per subcommand; they parse, call the library and print."""
