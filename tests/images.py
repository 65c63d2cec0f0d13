"""Pictures for the tests, made with Pillow: a phone's photo (EXIF orientation and GPS),
plain JPEG, PNG and WebP files, and files that only pretend to be pictures."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import ExifTags, Image

RED, BLUE = (200, 0, 0), (0, 0, 200)
GPS_LATITUDE = (48.0, 51.0, 24.0)  # Paris: where the phone was


def picture(fmt: str = "JPEG", size=(640, 480), colour=(30, 120, 130), **save) -> bytes:
    image = Image.new("RGB", size, colour)
    out = io.BytesIO()
    image.save(out, fmt, **save)
    return out.getvalue()


def phone_photo(size=(1600, 1200)) -> bytes:
    """A JPEG as a phone saves it when held upright: stored on its side (left half red,
    right half blue), EXIF orientation 6 (turn it a quarter clockwise), the camera's
    make and the place it was taken."""
    width, height = size
    image = Image.new("RGB", size, BLUE)
    image.paste(RED, (0, 0, width // 2, height))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "PhoneMaker"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = GPS_LATITUDE
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (2.0, 21.0, 7.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=90)
    return out.getvalue()


def gps_of(data: bytes) -> dict:
    return dict(Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo))


def decompression_bomb(side: int = 20_000) -> bytes:
    """A PNG a few kilobytes long that would unpack into side² pixels (400 million)."""
    raw_row = b"\x00" + b"\x00" * (side // 8)  # filter byte, then 1-bit pixels
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(raw_row) for _ in range(side)) + compressor.flush()

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    )


SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'
HTML = b"<!doctype html><html><body><img src=x onerror=alert(1)></body></html>"
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
