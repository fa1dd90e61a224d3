"""One built-in game per module; each defines one `PuzzleGame` subclass named after its NAME."""
