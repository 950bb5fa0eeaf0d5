"""Media: type by content, decoding, EXIF, video frames, thumbnails."""
