"""Near-duplicate search over binary perceptual hashes, and stacks of near-duplicates.

Pure computation on numpy arrays: nothing here opens a case or a file.

- `index`: every pair of hashes within a Hamming radius (multi-index hashing),
  built once and extended as items are added.
- `features`: the extra per-image hashes the stacking needs, computed from the
  same decoded picture as the other perceptual hashes.
- `verify`: geometric check of a candidate pair with local features.
- `stacks`: which items form one stack, and which copy represents it.
"""
