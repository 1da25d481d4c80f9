#!/usr/bin/python3
"""Writes small GeoTIFFs laid out as GDAL writes Sentinel-2 / EuroSAT-MS tiles, for MultibandDecoderTest.

Run from the repository root: /usr/bin/python3 tools/geotiff_fixture.py  (standard library only)
Output: mae-torch-binding/src/test/resources/io/github/mae4j/torch/data/geotiff/*.tif

Each file is 13 bands of 8 rows x 6 columns, value(b, y, x) = 1000 + 500 b + 8 y + x (uint16), or that / 10000
(float32), with what GDAL puts in such a file: Photometric MinIsBlack, ExtraSamples = 0 (unspecified) for the 12
bands beyond the first, SampleFormat, and the GeoTIFF tags ModelPixelScale, ModelTiepoint and GeoKeyDirectory
(EPSG:32631, 10 m pixels). Variants:
  chunky_uint16.tif          pixel-interleaved (PlanarConfiguration 1), uncompressed, one strip
  planar_uint16_deflate.tif  band-separate (PlanarConfiguration 2), Deflate (Compression 8), one strip per band,
                             rows in strips of 4
  chunky_float32_deflate.tif float32 reflectance (SampleFormat 3), pixel-interleaved, Deflate
"""
import os
import struct
import zlib

OUT = "mae-torch-binding/src/test/resources/io/github/mae4j/torch/data/geotiff"
B, H, W = 13, 8, 6


def value(b, y, x):
    return 1000 + 500 * b + 8 * y + x


def tiff(path, planar, deflate, float32, rows_per_strip):
    fmt, bits, sample_format = ("<f", 32, 3) if float32 else ("<H", 16, 1)

    def v(b, y, x):
        return value(b, y, x) / 10000 if float32 else value(b, y, x)

    strips = []
    if planar:
        for b in range(B):
            for y0 in range(0, H, rows_per_strip):
                strips.append(b"".join(struct.pack(fmt, v(b, y, x)) for y in range(y0, min(H, y0 + rows_per_strip))
                                       for x in range(W)))
    else:
        for y0 in range(0, H, rows_per_strip):
            strips.append(b"".join(struct.pack(fmt, v(b, y, x)) for y in range(y0, min(H, y0 + rows_per_strip))
                                   for x in range(W) for b in range(B)))
    if deflate:
        strips = [zlib.compress(s) for s in strips]
    data = bytearray(b"II*\x00" + struct.pack("<I", 0))
    offsets = []
    for s in strips:
        offsets.append(len(data))
        data += s
        if len(data) % 2:
            data += b"\x00"
    geokeys = [1, 1, 0, 3, 1024, 0, 1, 1, 1025, 0, 1, 1, 3072, 0, 1, 32631]
    # (tag, type, values): SHORT 3, LONG 4, DOUBLE 12
    tags = [
        (256, 4, [W]), (257, 4, [H]), (258, 3, [bits] * B), (259, 3, [8 if deflate else 1]), (262, 3, [1]),
        (273, 4, offsets), (277, 3, [B]), (278, 4, [rows_per_strip]), (279, 4, [len(s) for s in strips]),
        (284, 3, [2 if planar else 1]), (338, 3, [0] * (B - 1)), (339, 3, [sample_format] * B),
        (33550, 12, [10.0, 10.0, 0.0]), (33922, 12, [0.0, 0.0, 0.0, 500000.0, 5000000.0, 0.0]),
        (34735, 3, geokeys),
    ]
    size = {3: 2, 4: 4, 12: 8}
    pack = {3: "<H", 4: "<I", 12: "<d"}
    extra = bytearray()
    ifd_at = len(data)
    ifd_len = 2 + 12 * len(tags) + 4
    entries = bytearray(struct.pack("<H", len(tags)))
    for tag, typ, vals in tags:
        raw = b"".join(struct.pack(pack[typ], x) for x in vals)
        if len(raw) <= 4:
            entries += struct.pack("<HHI", tag, typ, len(vals)) + raw.ljust(4, b"\x00")
        else:
            at = ifd_at + ifd_len + len(extra)
            entries += struct.pack("<HHII", tag, typ, len(vals), at)
            extra += raw
            if len(extra) % 2:
                extra += b"\x00"
    entries += struct.pack("<I", 0)
    data[4:8] = struct.pack("<I", ifd_at)
    data += entries + extra
    with open(path, "wb") as f:
        f.write(data)


def main():
    os.makedirs(OUT, exist_ok=True)
    tiff(os.path.join(OUT, "chunky_uint16.tif"), planar=False, deflate=False, float32=False, rows_per_strip=H)
    tiff(os.path.join(OUT, "planar_uint16_deflate.tif"), planar=True, deflate=True, float32=False, rows_per_strip=4)
    tiff(os.path.join(OUT, "chunky_float32_deflate.tif"), planar=False, deflate=True, float32=True,
         rows_per_strip=H)
    print("wrote", sorted(os.listdir(OUT)))


if __name__ == "__main__":
    main()
