import Testing

@testable import Imaging

/// A TIFF structure (EXIF) whose first IFD holds Orientation = `value`, in either byte order.
func exifOrientation(_ value: UInt16, littleEndian: Bool = true) -> [UInt8] {
  func u16(_ v: UInt16) -> [UInt8] {
    littleEndian ? [UInt8(v & 0xFF), UInt8(v >> 8)] : [UInt8(v >> 8), UInt8(v & 0xFF)]
  }
  func u32(_ v: UInt32) -> [UInt8] {
    let (high, low) = (u16(UInt16(v >> 16)), u16(UInt16(v & 0xFFFF)))
    return littleEndian ? low + high : high + low
  }
  let order: [UInt8] = littleEndian ? [0x49, 0x49] : [0x4D, 0x4D]
  // Header, IFD0 at 8 with two entries (a width tag first, then Orientation as a SHORT), no next IFD.
  var tiff = order + u16(42) + u32(8) + u16(2)
  tiff += u16(0x0100) + u16(4) + u32(1) + u32(640)
  tiff += u16(0x0112) + u16(3) + u32(1) + u16(value) + u16(0)
  return tiff + u32(0)
}

/// A 3×2 image whose every pixel differs: pixel (x, y) is (x, y, 10x + y).
private let stored: RGBImage = {
  var pixels: [UInt8] = []
  for y in 0..<2 { for x in 0..<3 { pixels += [UInt8(x), UInt8(y), UInt8(10 * x + y)] } }
  return RGBImage(width: 3, height: 2, pixels: pixels)
}()

private func pixel(_ image: RGBImage, _ x: Int, _ y: Int) -> [UInt8] {
  Array(image.pixels[(y * image.width + x) * 3..<(y * image.width + x) * 3 + 3])
}

/// For each orientation, which stored pixel (x, y) each displayed corner shows (top-left, top-right, bottom-left,
/// bottom-right), written out by hand for the 3×2 image from EXIF 2.3's tag 0x0112: 6 turns the picture clockwise,
/// so the stored bottom-left comes to the top-left; 8 turns it counter-clockwise.
private let cornersByOrientation: [(Int, Int, Int, [(Int, Int)])] = [
  (1, 3, 2, [(0, 0), (2, 0), (0, 1), (2, 1)]),
  (2, 3, 2, [(2, 0), (0, 0), (2, 1), (0, 1)]),
  (3, 3, 2, [(2, 1), (0, 1), (2, 0), (0, 0)]),
  (4, 3, 2, [(0, 1), (2, 1), (0, 0), (2, 0)]),
  (5, 2, 3, [(0, 0), (0, 1), (2, 0), (2, 1)]),
  (6, 2, 3, [(0, 1), (0, 0), (2, 1), (2, 0)]),
  (7, 2, 3, [(2, 1), (2, 0), (0, 1), (0, 0)]),
  (8, 2, 3, [(2, 0), (2, 1), (0, 0), (0, 1)]),
]

@Test(arguments: 0..<8)
func orientationsTurnThePictureAsCamerasMeanIt(_ row: Int) {
  let (orientation, width, height, corners) = cornersByOrientation[row]
  let shown = stored.oriented(orientation)
  #expect(shown.width == width && shown.height == height)
  // Displayed corners: top-left, top-right, bottom-left, bottom-right → the stored pixel each shows.
  let displayed = [(0, 0), (width - 1, 0), (0, height - 1), (width - 1, height - 1)]
  for ((dx, dy), (sx, sy)) in zip(displayed, corners) {
    #expect(pixel(shown, dx, dy) == pixel(stored, sx, sy), "orientation \(orientation), corner (\(dx), \(dy))")
  }
}

@Test(arguments: [true, false])
func aPNGsExifOrientationIsApplied(littleEndian: Bool) throws {
  var png = PNGFixture(
    width: 3, height: 2, bitDepth: 8, colorType: .rgb, samples: stored.pixels.map { UInt16($0) })
  png.extraChunks = [("eXIf", exifOrientation(6, littleEndian: littleEndian))]
  let decoded = try ImageFile.decode(data: png.bytes())
  #expect(decoded.metadata.orientation == 6)
  #expect(decoded.image == stored.oriented(6))
  #expect(decoded.changes == ["EXIF orientation 6 applied"])
}

/// A JPEG with an APP1 Exif segment saying "rotate 90° clockwise": a landscape picture, dark on its left half, comes
/// out portrait, dark on its top half.
@Test func aJPEGsExifOrientationIsApplied() throws {
  let (w, h) = (32, 16)
  let image = RGBImage(
    width: w, height: h, pixels: (0..<w * h).flatMap { i in [UInt8](repeating: i % w < w / 2 ? 20 : 230, count: 3) })
  let jpeg = try image.jpegData(quality: 95)
  let exif = Array("Exif\0\0".utf8) + exifOrientation(6, littleEndian: false)
  let segment: [UInt8] = [0xFF, 0xE1, UInt8((exif.count + 2) >> 8), UInt8((exif.count + 2) & 0xFF)] + exif
  let tagged = Array(jpeg.prefix(2)) + segment + jpeg.dropFirst(2)
  let decoded = try ImageFile.decode(data: tagged)
  #expect(decoded.image.width == h && decoded.image.height == w)
  #expect(pixel(decoded.image, h / 2, 2)[0] < 60 && pixel(decoded.image, h / 2, w - 3)[0] > 180)
}

@Test func sixteenBitSamplesAndICCProfilesAreReported() throws {
  var png = PNGFixture(
    width: 2, height: 1, bitDepth: 16, colorType: .rgb, samples: [65535, 0, 4660, 0, 65535, 257])
  png.extraChunks = [("iCCP", Array("sRGB\0\0".utf8) + [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])]
  let decoded = try ImageFile.decode(data: png.bytes())
  #expect(decoded.metadata == ImageMetadata(orientation: 1, hasICCProfile: true, hasSixteenBitSamples: true))
  #expect(
    decoded.changes == [
      "16-bit samples reduced to 8 bits", "ICC profile dropped (the pixels are coded as they are, as if sRGB)",
    ])
}

/// Metadata is parsed from untrusted bytes: every prefix of a tagged file, and garbage TIFF, read without a trap.
@Test func malformedMetadataReadsAsAbsent() {
  var png = PNGFixture(width: 3, height: 2, bitDepth: 8, colorType: .rgb, samples: stored.pixels.map { UInt16($0) })
  png.extraChunks = [("eXIf", exifOrientation(3))]
  let bytes = png.bytes()
  for cut in 0...bytes.count { _ = ImageMetadata.scan(Array(bytes.prefix(cut)), format: .png) }
  let exif = exifOrientation(8)
  for cut in 0...exif.count { _ = ImageMetadata.tiffOrientation(exif.prefix(cut)) }
  #expect(ImageMetadata.tiffOrientation(exif[...]) == 8)
  #expect(ImageMetadata.tiffOrientation(exifOrientation(9)[...]) == nil)
  #expect(ImageMetadata.tiffOrientation([0x49, 0x49, 42, 0, 0xFF, 0xFF, 0xFF, 0x7F][...]) == nil)
}
