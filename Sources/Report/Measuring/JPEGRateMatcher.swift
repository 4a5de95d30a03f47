import Imaging

/// Finds, for one image, the JPEG quality whose whole-file bits per pixel is closest to a target. JPEG's size grows
/// with quality (not strictly everywhere, hence "closest found by bisection"), so a binary search over 1...100 for
/// the lowest quality reaching the target, then the better of it and the quality below, takes about 8 encodes.
/// Encodings are cached, so matching several operating points of one image shares work.
public struct JPEGRateMatcher {
  public let image: RGBImage
  private var encodings: [Int: [UInt8]] = [:]

  public init(image: RGBImage) { self.image = image }

  /// The closest match to `bitsPerPixel` and the decoded JPEG (for PSNR, MS-SSIM and pictures).
  public mutating func match(bitsPerPixel target: Double) throws -> (match: JPEGMatch, decoded: RGBImage) {
    var (low, high) = (1, 100)
    while low < high {
      let middle = (low + high) / 2
      if try rate(middle) < target { low = middle + 1 } else { high = middle }
    }
    var quality = low
    if quality > 1, abs(try rate(quality - 1) - target) <= abs(try rate(quality) - target) { quality -= 1 }
    let bytes = try encoding(quality)
    let decoded = try ImageFile.decode(data: bytes, name: "JPEG q\(quality)").image
    let match = JPEGMatch(
      quality: quality, byteCount: bytes.count, bitsPerPixel: try rate(quality),
      psnr: psnr(image, decoded), msSSIM: msSSIM(image, decoded))
    return (match, decoded)
  }

  /// Whole-file bits per pixel at `quality`.
  private mutating func rate(_ quality: Int) throws -> Double {
    8 * Double(try encoding(quality).count) / Double(image.width * image.height)
  }

  private mutating func encoding(_ quality: Int) throws -> [UInt8] {
    if let bytes = encodings[quality] { return bytes }
    let bytes = try image.jpegData(quality: quality)
    encodings[quality] = bytes
    return bytes
  }
}
