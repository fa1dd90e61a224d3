"""aria-tui: the Textual app to train, play games step by step and watch ARIA decide."""
