/// What vqcodec reads from an image file's metadata besides its pixels: the EXIF orientation (applied on input, so
/// photos come out the way cameras meant them), whether an ICC profile was attached and whether samples had 16 bits
/// (both lost on the way to RGB8, which callers say in a notice). Parsed from untrusted bytes: every read is
/// bounds-checked, and anything malformed reads as absent.
public struct ImageMetadata: Equatable, Sendable {
  /// EXIF orientation 1...8 (1: as stored).
  public var orientation = 1
  public var hasICCProfile = false
  public var hasSixteenBitSamples = false

  static func scan(_ data: [UInt8], format: ImageFormat) -> ImageMetadata {
    var metadata = ImageMetadata()
    switch format {
    case .png: metadata.scanPNG(data)
    case .jpeg: metadata.scanJPEG(data)
    }
    return metadata
  }

  /// PNG chunks (length, type, data, CRC): IHDR's bit depth, iCCP, eXIf (a TIFF structure, as in JPEG's APP1).
  private mutating func scanPNG(_ data: [UInt8]) {
    var offset = 8
    while offset + 12 <= data.count {
      let length = Int(bigEndian32(data, offset))
      let start = offset + 8
      guard length <= data.count - start - 4 else { return }
      switch String(decoding: data[offset + 4..<offset + 8], as: UTF8.self) {
      case "IHDR" where length >= 13: hasSixteenBitSamples = data[start + 8] == 16
      case "iCCP": hasICCProfile = true
      case "eXIf": orientation = Self.tiffOrientation(data[start..<start + length]) ?? orientation
      case "IEND": return
      default: break
      }
      offset = start + length + 4
    }
  }

  /// JPEG markers up to the first scan: APP1 "Exif" (orientation), APP2 "ICC_PROFILE".
  private mutating func scanJPEG(_ data: [UInt8]) {
    var offset = 2
    while offset + 4 <= data.count, data[offset] == 0xFF {
      let marker = data[offset + 1]
      if marker == 0xFF {  // fill byte
        offset += 1
        continue
      }
      if marker == 0xDA || marker == 0xD9 { return }  // start of scan, end of image
      if marker == 0x01 || (0xD0...0xD7).contains(marker) {  // markers without a length
        offset += 2
        continue
      }
      let length = Int(data[offset + 2]) << 8 | Int(data[offset + 3])
      guard length >= 2, offset + 2 + length <= data.count else { return }
      let segment = data[offset + 4..<offset + 2 + length]
      if marker == 0xE1, segment.starts(with: Array("Exif\0\0".utf8)) {
        orientation = Self.tiffOrientation(segment.dropFirst(6)) ?? orientation
      } else if marker == 0xE2, segment.starts(with: Array("ICC_PROFILE\0".utf8)) {
        hasICCProfile = true
      }
      offset += 2 + length
    }
  }

  /// Tag 0x0112 (Orientation) of a TIFF structure's first IFD, if it holds 1...8.
  static func tiffOrientation(_ tiff: ArraySlice<UInt8>) -> Int? {
    let t = Array(tiff)
    guard t.count >= 8 else { return nil }
    let littleEndian: Bool
    switch (t[0], t[1]) {
    case (0x49, 0x49): littleEndian = true
    case (0x4D, 0x4D): littleEndian = false
    default: return nil
    }
    func u16(_ i: Int) -> Int? {
      guard i >= 0, i + 2 <= t.count else { return nil }
      return littleEndian ? Int(t[i]) | Int(t[i + 1]) << 8 : Int(t[i]) << 8 | Int(t[i + 1])
    }
    func u32(_ i: Int) -> Int? {
      guard let low = u16(littleEndian ? i : i + 2), let high = u16(littleEndian ? i + 2 : i) else { return nil }
      return high << 16 | low
    }
    guard u16(2) == 42, let ifd = u32(4), let count = u16(ifd) else { return nil }
    for entry in 0..<count {
      let at = ifd + 2 + 12 * entry
      guard let tag = u16(at), let type = u16(at + 2) else { return nil }
      if tag == 0x0112, type == 3, let value = u16(at + 8), (1...8).contains(value) { return value }
    }
    return nil
  }
}

private func bigEndian32(_ data: [UInt8], _ offset: Int) -> UInt32 {
  UInt32(data[offset]) << 24 | UInt32(data[offset + 1]) << 16 | UInt32(data[offset + 2]) << 8 | UInt32(data[offset + 3])
}

extension RGBImage {
  /// The image as EXIF orientation `orientation` says to display it: 2 mirrors, 3 turns 180°, 4 flips, 5 transposes,
  /// 6 turns 90° clockwise, 7 transverses, 8 turns 90° counter-clockwise; 1 (or anything else) leaves it.
  public func oriented(_ orientation: Int) -> RGBImage {
    guard (2...8).contains(orientation) else { return self }
    let (w, h) = (width, height)
    let swapsSides = orientation >= 5
    let (outWidth, outHeight) = swapsSides ? (h, w) : (w, h)
    var out = [UInt8](repeating: 0, count: pixels.count)
    pixels.withUnsafeBufferPointer { src in
      out.withUnsafeMutableBufferPointer { dst in
        for y in 0..<outHeight {
          for x in 0..<outWidth {
            let (sx, sy): (Int, Int)
            switch orientation {
            case 2: (sx, sy) = (w - 1 - x, y)
            case 3: (sx, sy) = (w - 1 - x, h - 1 - y)
            case 4: (sx, sy) = (x, h - 1 - y)
            case 5: (sx, sy) = (y, x)
            case 6: (sx, sy) = (y, h - 1 - x)
            case 7: (sx, sy) = (w - 1 - y, h - 1 - x)
            default: (sx, sy) = (w - 1 - y, x)
            }
            let (s, d) = ((sy * w + sx) * 3, (y * outWidth + x) * 3)
            (dst[d], dst[d + 1], dst[d + 2]) = (src[s], src[s + 1], src[s + 2])
          }
        }
      }
    }
    return RGBImage(width: outWidth, height: outHeight, pixels: out)
  }
}
