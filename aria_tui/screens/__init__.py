"""The app's screens: pick a game, play it, evaluate, replay a recording, train."""
