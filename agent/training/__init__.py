"""Training ARIA: the phase plug-in API, the trainer, its configuration, events and checkpoints."""
