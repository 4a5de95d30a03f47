import Bitstream
import Imaging
import Testing

@testable import Codec

/// A gray image (R = G = B everywhere) is recorded as 1 channel and decodes gray: each pixel the rounded mean of the
/// three samples the network gives it, so a grayscale photo never comes back tinted.
struct GrayImageTests {
  static let codec = try! ImageCodec(modelBytes: tinyModelBytes)

  static func gray(_ image: RGBImage) -> RGBImage {
    var pixels = image.pixels
    for i in stride(from: 0, to: pixels.count, by: 3) { (pixels[i + 1], pixels[i + 2]) = (pixels[i], pixels[i]) }
    return RGBImage(width: image.width, height: image.height, pixels: pixels)
  }

  @Test func grayImagesAreRecordedAsOneChannelAndDecodeGray() throws {
    let image = Self.gray(testImage(width: 23, height: 17, seed: 5))
    #expect(image.isGray)
    let bytes = try Self.codec.encode(image, channels: 4)
    #expect(try VQContainer.parse(bytes).channels == 1)
    let decoded = try Self.codec.decode(bytes)
    #expect(decoded.isGray)
    // The gray is the mean of the samples the network decodes from the same indices.
    let (grids, width, height) = try Self.codec.indexGrids(of: bytes)
    let colour = TiledInference(model: Self.codec.model).image(from: grids, width: width, height: height)
    #expect(!colour.isGray, "the network's own output is tinted, so the case tests something")
    let expected = stride(from: 0, to: colour.pixels.count, by: 3).flatMap { i in
      let level = grayLevel(colour.pixels[i], colour.pixels[i + 1], colour.pixels[i + 2])
      return [level, level, level]
    }
    #expect(decoded.pixels == expected)
    // The streamed PNG path decodes the same pixels.
    var png: [UInt8] = []
    try Self.codec.decodePNG(bytes) { png += $0 }
    #expect(try ImageFile.decode(data: png).image == decoded)
  }

  @Test func colourImagesKeepTheirChannels() throws {
    var image = Self.gray(testImage(width: 9, height: 8, seed: 6)).pixels
    image[4 * 3 + 2] &+= 1  // one sample off gray
    let colour = RGBImage(width: 9, height: 8, pixels: image)
    #expect(!colour.isGray)
    #expect(try VQContainer.parse(try Self.codec.encode(colour)).channels == 3)
    #expect(try VQContainer.parse(try Self.codec.encode(colour, channels: 4)).channels == 4)
  }

  @Test(arguments: [
    (0, 0, 0, 0), (255, 255, 255, 255), (1, 0, 0, 0), (2, 0, 0, 1), (10, 11, 11, 11), (255, 254, 254, 254),
  ])
  func grayLevelIsTheRoundedMean(r: UInt8, g: UInt8, b: UInt8, expected: UInt8) {
    #expect(grayLevel(r, g, b) == expected)
  }
}
