import Testing

@testable import Imaging

/// The frame header (SOF) marker code and the per-component sampling bytes.
private func frameHeader(_ jpeg: [UInt8]) -> (marker: UInt8, sampling: [UInt8])? {
  var offset = 2
  while offset + 4 <= jpeg.count, jpeg[offset] == 0xFF {
    let marker = jpeg[offset + 1]
    let length = Int(jpeg[offset + 2]) << 8 | Int(jpeg[offset + 3])
    if (0xC0...0xC2).contains(marker) {
      let components = Int(jpeg[offset + 9])
      return (marker, (0..<components).map { jpeg[offset + 11 + 3 * $0] })
    }
    offset += 2 + length
  }
  return nil
}

@Test func rgbRoundTripAtQuality90KeepsPSNR() throws {
  let image = TestImages.smooth(width: 64, height: 48)
  let jpeg = try image.jpegData(quality: 90)
  let decoded = try ImageFile.decode(data: jpeg)
  #expect(decoded.format == .jpeg && !decoded.droppedAlpha)
  #expect(decoded.image.width == 64 && decoded.image.height == 48)
  #expect(psnr(image, decoded.image) > 35)
}

@Test func encoderWritesBaseline420() throws {
  let jpeg = try TestImages.smooth(width: 32, height: 32).jpegData(quality: 75)
  let header = try #require(frameHeader(jpeg))
  #expect(header.marker == 0xC0)  // SOF0 baseline; optimised Huffman does not change the frame type
  #expect(header.sampling == [0x22, 0x11, 0x11])  // luma 2×2, chroma 1×1: 4:2:0
}

@Test func lowerQualityGivesSmallerFiles() throws {
  let image = TestImages.pattern(width: 48, height: 40, seed: 3)
  #expect(try image.jpegData(quality: 20).count < image.jpegData(quality: 95).count)
}

@Test func grayscaleReadsAsEqualChannels() throws {
  let width = 24
  let height = 16
  let gray = (0..<width * height).map { UInt8(($0 % width) * 10) }
  let jpeg = try JPEGCodec.encode(samples: gray, width: width, height: height, components: 1, quality: 95)
  #expect(try #require(frameHeader(jpeg)).sampling.count == 1)
  let image = try ImageFile.decode(data: jpeg).image
  for i in 0..<width * height {
    let (r, g, b) = (image.pixels[3 * i], image.pixels[3 * i + 1], image.pixels[3 * i + 2])
    #expect(r == g && g == b)
    #expect(abs(Int(r) - Int(gray[i])) <= 12)
  }
}

@Test func progressiveReads() throws {
  let image = TestImages.smooth(width: 40, height: 40)
  let jpeg = try JPEGCodec.encode(
    samples: image.pixels, width: 40, height: 40, components: 3, quality: 90, isProgressive: true)
  #expect(try #require(frameHeader(jpeg)).marker == 0xC2)  // SOF2 progressive
  #expect(psnr(image, try ImageFile.decode(data: jpeg).image) > 35)
}

@Test func adobeCMYKConvertsToRGB() throws {
  // Adobe CMYK stores inverted ink, so R = C·K / 255 on the stored values.
  let (c, m, y, k) = (200, 100, 50, 128)
  let samples = [[UInt8]](repeating: [UInt8(c), UInt8(m), UInt8(y), UInt8(k)], count: 16 * 16).flatMap { $0 }
  let jpeg = try JPEGCodec.encode(samples: samples, width: 16, height: 16, components: 4, quality: 100)
  let image = try ImageFile.decode(data: jpeg).image
  let expected = [c * k / 255, m * k / 255, y * k / 255]
  for (channel, value) in expected.enumerated() {
    #expect(abs(Int(image.pixels[channel]) - value) <= 3)
  }
}
