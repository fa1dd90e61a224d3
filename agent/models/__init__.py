"""ARIA's learned parts (torch): frame encoding, the world-model ensemble, the fast policy, the value
and the arbiter's calibrated state. Import the submodules directly; this package imports nothing heavy."""
