/// A PNG writer for test fixtures, independent of libpng: any colour type and
/// bit depth, palette, tRNS and Adam7, with zlib "stored" (uncompressed)
/// blocks so no compressor is needed. Samples are given unpacked, one UInt16
/// per channel value (palette images give indices).
struct PNGFixture {
  enum ColorType: UInt8 {
    case gray = 0
    case rgb = 2
    case palette = 3
    case grayAlpha = 4
    case rgba = 6
  }

  var width: Int
  var height: Int
  var bitDepth: Int
  var colorType: ColorType
  var samples: [UInt16]
  var palette: [(UInt8, UInt8, UInt8)] = []
  var transparency: [UInt8]? = nil
  var isInterlaced = false
  /// Chunks written after IHDR (e.g. `eXIf`, `iCCP`), type and data.
  var extraChunks: [(String, [UInt8])] = []

  var channels: Int {
    switch colorType {
    case .gray, .palette: return 1
    case .grayAlpha: return 2
    case .rgb: return 3
    case .rgba: return 4
    }
  }

  /// The complete file.
  func bytes() -> [UInt8] {
    precondition(samples.count == width * height * channels)
    var file: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    let header =
      bigEndian32(width) + bigEndian32(height)
      + [UInt8(bitDepth), colorType.rawValue, 0, 0, isInterlaced ? 1 : 0]
    file += chunk("IHDR", header)
    for (type, data) in extraChunks { file += chunk(type, data) }
    if !palette.isEmpty { file += chunk("PLTE", palette.flatMap { [$0.0, $0.1, $0.2] }) }
    if let transparency { file += chunk("tRNS", transparency) }
    file += chunk("IDAT", zlibStored(scanlines()))
    file += chunk("IEND", [])
    return file
  }

  /// Filter-type-0 scanlines, pass by pass when interlaced (empty passes omitted).
  private func scanlines() -> [UInt8] {
    let passes =
      isInterlaced
      ? [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
      : [(0, 0, 1, 1)]
    var data: [UInt8] = []
    for (xStart, yStart, xStep, yStep) in passes {
      let columns = Array(stride(from: xStart, to: width, by: xStep))
      if columns.isEmpty { continue }
      for y in stride(from: yStart, to: height, by: yStep) {
        data.append(0)
        var row: [UInt16] = []
        for x in columns { row += samples[(y * width + x) * channels..<(y * width + x + 1) * channels] }
        data += packed(row)
      }
    }
    return data
  }

  /// Samples packed most significant bits first; 16-bit big-endian.
  private func packed(_ row: [UInt16]) -> [UInt8] {
    if bitDepth == 16 { return row.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] } }
    if bitDepth == 8 { return row.map { UInt8($0) } }
    var bytes: [UInt8] = []
    var current = 0
    var used = 0
    for sample in row {
      current = current << bitDepth | Int(sample)
      used += bitDepth
      if used == 8 {
        bytes.append(UInt8(current))
        current = 0
        used = 0
      }
    }
    if used > 0 { bytes.append(UInt8(current << (8 - used))) }
    return bytes
  }
}

func bigEndian32(_ value: Int) -> [UInt8] {
  [UInt8(value >> 24 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
}

/// A PNG chunk: length, type, data, CRC-32 over type and data.
func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
  let typed = Array(type.utf8) + data
  return bigEndian32(data.count) + typed + bigEndian32(Int(crc32(typed)))
}

func crc32(_ bytes: [UInt8]) -> UInt32 {
  var crc: UInt32 = 0xFFFF_FFFF
  for byte in bytes {
    crc ^= UInt32(byte)
    for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
  }
  return ~crc
}

/// A zlib stream of stored blocks (RFC 1950/1951), then Adler-32.
func zlibStored(_ data: [UInt8]) -> [UInt8] {
  var out: [UInt8] = [0x78, 0x01]
  var offset = 0
  repeat {
    let length = min(65_535, data.count - offset)
    let isFinal = offset + length == data.count
    out += [
      isFinal ? 1 : 0, UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8 & 0xFF),
    ]
    out += data[offset..<offset + length]
    offset += length
  } while offset < data.count
  var a: UInt32 = 1
  var b: UInt32 = 0
  for byte in data {
    a = (a + UInt32(byte)) % 65_521
    b = (b + a) % 65_521
  }
  return out + bigEndian32(Int(b << 16 | a))
}
