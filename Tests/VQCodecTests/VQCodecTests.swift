import Foundation
import TestSupport
import Testing
import VQCodec

/// A small picture with edges and gradients, as a PNG in `folder`.
private func writePicture(in folder: TemporaryFolder) throws -> (Image, String) {
  let (width, height) = (40, 24)
  var pixels: [UInt8] = []
  for y in 0..<height {
    for x in 0..<width { pixels += [UInt8(x * 6), UInt8(y * 10), x < width / 2 ? 30 : 220] }
  }
  let image = Image(width: width, height: height, pixels: pixels)
  return (image, try folder.write(try image.pngData(), named: "picture.png"))
}

@Test func encodingAFileAndAnImageGiveTheSameBytesAndDecodeBack() throws {
  let folder = try TemporaryFolder()
  defer { folder.remove() }
  let (image, path) = try writePicture(in: folder)
  let codec = try VQCodec()
  let file = try codec.encode(fileAt: path)
  #expect(file == (try codec.encode(image)))
  let decoded = try codec.decode(file)
  #expect(decoded.width == image.width && decoded.height == image.height)
  let result = VQCodec.measure(original: image, decoded: decoded)
  #expect(result.psnr > 15 && result.msSSIM == nil, "\(result)")  // 40×24 is too small for MS-SSIM
  try codec.decode(file, toPNGAt: folder.file("decoded.png"))
  #expect(try VQCodec.readImage(at: folder.file("decoded.png")) == decoded)
}

/// Fewer stages: a smaller file, and decoding the first stages of the whole file gives its pixels.
@Test func stagesTradeBitsForQuality() throws {
  let folder = try TemporaryFolder()
  defer { folder.remove() }
  let (image, _) = try writePicture(in: folder)
  let codec = try VQCodec()
  #expect(codec.stageCount >= 2 && codec.modelFingerprint.count == 16)
  let whole = try codec.encode(image)
  let first = try codec.encode(image, stages: 1)
  #expect(first.count < whole.count)
  #expect(try codec.decode(first) == (try codec.decode(whole, stages: 1)))
  #expect(throws: (any Error).self) { try codec.decode(whole, stages: codec.stageCount + 1) }
  #expect(throws: (any Error).self) { try VQCodec(modelBytes: Array(whole)) }
}

/// The shipped high-rate model: more stages than the default and files of its own fingerprint, which the default
/// model refuses; an unknown name is an error, not a trap.
@Test func theShippedHighRateModelCodesWithItsOwnFingerprint() throws {
  let folder = try TemporaryFolder()
  defer { folder.remove() }
  let (image, _) = try writePicture(in: folder)
  let (high, standard) = (try VQCodec(shippedModel: "high"), try VQCodec())
  #expect(high.stageCount > standard.stageCount && high.modelFingerprint != standard.modelFingerprint)
  let file = try high.encode(image, quality: 100)
  #expect(try high.decode(file).width == image.width)
  #expect(throws: (any Error).self) { try standard.decode(file) }
  #expect(throws: (any Error).self) { try VQCodec(shippedModel: "nonexistent") }
}
