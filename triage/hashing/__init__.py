"""Digests and perceptual hashes. Imports nothing else of ours."""
