import Testing

@testable import Imaging

/// Decodes a fixture and returns the RGB samples, checking the alpha report.
private func decodeFixture(
  _ fixture: PNGFixture, expectAlpha: Bool, sourceLocation: SourceLocation = #_sourceLocation
)
  throws -> [UInt8]
{
  let decoded = try ImageFile.decode(data: fixture.bytes())
  #expect(decoded.format == .png, sourceLocation: sourceLocation)
  #expect(decoded.droppedAlpha == expectAlpha, sourceLocation: sourceLocation)
  #expect(
    decoded.image.width == fixture.width && decoded.image.height == fixture.height, sourceLocation: sourceLocation)
  return decoded.image.pixels
}

private func grayToRGB(_ values: [Int]) -> [UInt8] { values.flatMap { [UInt8($0), UInt8($0), UInt8($0)] } }

/// round(v / 257), what 16 → 8 bits must give without gamma conversion.
private func to8(_ value: UInt16) -> Int { Int((Double(value) / 257).rounded()) }

/// 16-bit values around rounding boundaries of v / 257 and the extremes.
private let sixteenBitValues: [UInt16] = [0, 128, 129, 385, 386, 32767, 32896, 40000, 65407, 65535, 1000, 20000]

@Test func rgbRoundTripIsLossless() throws {
  let image = TestImages.noise(width: 37, height: 23, seed: 11)
  let decoded = try ImageFile.decode(data: image.pngData())
  #expect(decoded.image == image)
  #expect(!decoded.droppedAlpha)
}

@Test(arguments: [1, 2, 4, 8])
func lowBitDepthGrayScalesToFullRange(bitDepth: Int) throws {
  let levels = 1 << bitDepth
  let values = (0..<15).map { UInt16(($0 * 7) % levels) }
  let fixture = PNGFixture(width: 5, height: 3, bitDepth: bitDepth, colorType: .gray, samples: values)
  let expected = grayToRGB(values.map { Int($0) * 255 / (levels - 1) })
  #expect(try decodeFixture(fixture, expectAlpha: false) == expected)
}

@Test func sixteenBitGrayRoundsWithoutGamma() throws {
  let fixture = PNGFixture(width: 4, height: 3, bitDepth: 16, colorType: .gray, samples: sixteenBitValues)
  #expect(try decodeFixture(fixture, expectAlpha: false) == grayToRGB(sixteenBitValues.map(to8)))
}

@Test func sixteenBitRGBRoundsWithoutGamma() throws {
  let samples = (0..<2 * 2 * 3).map { sixteenBitValues[$0 % sixteenBitValues.count] }
  let fixture = PNGFixture(width: 2, height: 2, bitDepth: 16, colorType: .rgb, samples: samples)
  #expect(try decodeFixture(fixture, expectAlpha: false) == samples.map { UInt8(to8($0)) })
}

@Test(arguments: [8, 16])
func grayAlphaKeepsGrayAndReportsAlpha(bitDepth: Int) throws {
  let gray: [UInt16] = bitDepth == 8 ? [0, 17, 128, 255] : [0, 385, 32896, 65535]
  let alpha: [UInt16] = bitDepth == 8 ? [0, 255, 7, 128] : [0, 65535, 1000, 30000]
  let samples = zip(gray, alpha).flatMap { [$0, $1] }
  let fixture = PNGFixture(width: 2, height: 2, bitDepth: bitDepth, colorType: .grayAlpha, samples: samples)
  let expected = grayToRGB(gray.map { bitDepth == 8 ? Int($0) : to8($0) })
  #expect(try decodeFixture(fixture, expectAlpha: true) == expected)
}

@Test(arguments: [8, 16])
func rgbaDropsAlphaWithoutCompositing(bitDepth: Int) throws {
  let colors: [UInt16] = bitDepth == 8 ? [10, 200, 30, 255, 0, 99] : [2570, 51400, 7710, 65535, 0, 40000]
  let alpha: [UInt16] = bitDepth == 8 ? [0, 77] : [0, 20000]
  let samples = colors[0..<3] + [alpha[0]] + colors[3..<6] + [alpha[1]]
  let fixture = PNGFixture(width: 2, height: 1, bitDepth: bitDepth, colorType: .rgba, samples: Array(samples))
  let expected = colors.map { UInt8(bitDepth == 8 ? Int($0) : to8($0)) }
  #expect(try decodeFixture(fixture, expectAlpha: true) == expected)
}

@Test(arguments: [false, true])
func paletteReadsColorsAndReportsTransparency(hasTransparency: Bool) throws {
  let palette: [(UInt8, UInt8, UInt8)] = [(255, 0, 0), (0, 128, 0), (1, 2, 3), (250, 251, 252)]
  let indices: [UInt16] = [0, 1, 2, 3, 3, 2, 1, 0, 2]
  var fixture = PNGFixture(width: 3, height: 3, bitDepth: 2, colorType: .palette, samples: indices, palette: palette)
  if hasTransparency { fixture.transparency = [0, 128] }
  let expected = indices.flatMap { [palette[Int($0)].0, palette[Int($0)].1, palette[Int($0)].2] }
  #expect(try decodeFixture(fixture, expectAlpha: hasTransparency) == expected)
}

@Test func grayColorKeyTransparencyIsReported() throws {
  let fixture = PNGFixture(
    width: 2, height: 1, bitDepth: 8, colorType: .gray, samples: [5, 9], transparency: [0, 5])
  #expect(try decodeFixture(fixture, expectAlpha: true) == grayToRGB([5, 9]))
}

@Test func adam7InterlacedMatchesSource() throws {
  // 13×11 leaves partial and (for some passes) short rows and columns.
  let source = TestImages.noise(width: 13, height: 11, seed: 5)
  let fixture = PNGFixture(
    width: 13, height: 11, bitDepth: 8, colorType: .rgb, samples: source.pixels.map(UInt16.init), isInterlaced: true)
  #expect(try decodeFixture(fixture, expectAlpha: false) == source.pixels)

  let gray: [UInt16] = (0..<3 * 2).map { sixteenBitValues[$0] }
  let tiny = PNGFixture(width: 3, height: 2, bitDepth: 16, colorType: .gray, samples: gray, isInterlaced: true)
  #expect(try decodeFixture(tiny, expectAlpha: false) == grayToRGB(gray.map(to8)))
}
