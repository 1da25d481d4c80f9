#!/usr/bin/python3
"""Writes a tiny pure-red CMYK JPEG for ImageFolderDatasetTest (JDK 25 decodes CMYK JPEGs).

Run from the repository root (Debian python3-pil): /usr/bin/python3 tools/cmyk_fixture.py
"""
from PIL import Image

OUT = "mae-torch-binding/src/test/resources/io/github/mae4j/torch/data/cmyk.jpg"
Image.new("CMYK", (8, 8), (0, 255, 255, 0)).save(OUT, "JPEG", quality=90)
print("wrote", OUT)
