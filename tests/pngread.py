# A PNG reader in python3's zlib alone, for the picture tests: checks the
# signature, every chunk's CRC and the chunk order, undoes the row filters,
# and returns the width, height, channels (3 RGB, 1 grey) and the rows.
#   from pngread import read; w, h, ch, rows = read("file.png")
import struct, zlib


def read(path):
    d = open(path, 'rb').read()
    assert d[:8] == b'\x89PNG\r\n\x1a\n', 'signature'
    p, idat, kinds = 8, b'', []
    while p < len(d):
        n, t = struct.unpack('>I4s', d[p:p + 8])
        body = d[p + 8:p + 8 + n]
        assert zlib.crc32(t + body) == struct.unpack('>I', d[p + 8 + n:p + 12 + n])[0], 'CRC of ' + t.decode()
        kinds.append(t)
        if t == b'IHDR': w, h, depth, ct = struct.unpack('>IIBB', body[:10])
        if t == b'IDAT': idat += body
        p += 12 + n
    assert kinds[0] == b'IHDR' and kinds[-1] == b'IEND' and p == len(d), 'chunks'
    ch = 3 if ct == 2 else 1
    raw, s, rows, prev = zlib.decompress(idat), w * ch, [], bytearray(w * ch)
    for y in range(h):
        f, row = raw[y * (s + 1)], bytearray(raw[y * (s + 1) + 1:(y + 1) * (s + 1)])
        for i in range(s):
            a = row[i - ch] if i >= ch else 0
            u, c = prev[i], prev[i - ch] if i >= ch else 0
            pa, pb, pc = abs(u - c), abs(a - c), abs(a + u - 2 * c)
            pr = [0, a, u, (a + u) // 2, a if pa <= pb and pa <= pc else u if pb <= pc else c][f]
            row[i] = (row[i] + pr) & 255
        rows.append(row)
        prev = row
    return w, h, ch, rows
