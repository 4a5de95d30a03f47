import Serialization
import Testing

@testable import Bitstream

/// The worked example of FORMAT.md §8, byte for byte: an 8 × 6 RGB image, f = 4, K = 4, two stages.
let formatExampleBytes: [UInt8] = [
  0x56, 0x51, 0x43, 0x31,  // 0  magic "VQC1"
  0x01, 0x00,  // 4  version 1
  0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,  // 6  modelFingerprint
  0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
  0x08, 0x00,  // 22 width 8
  0x06, 0x00,  // 24 height 6
  0x03,  // 26 channels 3
  0x04,  // 27 downsamplingFactor 4
  0x02, 0x00,  // 28 latentWidth 2
  0x02, 0x00,  // 30 latentHeight 2
  0x04, 0x00, 0x00, 0x00,  // 32 codebookSize 4
  0x02,  // 36 stageCount 2
  0x00, 0x01, 0x00, 0x00, 0x00,  // 37 stage 0: fixedWidth, 1 byte
  0x02, 0x04, 0x00, 0x00, 0x00,  // 42 stage 1: adaptiveRange, 4 bytes
  0x1b,  // 47 stage 0 payload: 00 01 10 11
  0xf2, 0xaa, 0x60, 0x00,  // 48 stage 1 payload
  0x47, 0xb0, 0x80, 0x7f,  // 52 CRC-32 0x7f80b047
]

@Test func formatExampleParsesToTheDocumentedFields() throws {
  let container = try VQContainer.parse(formatExampleBytes)
  #expect(container.modelFingerprint == Array(0..<16))
  #expect(container.imageWidth == 8 && container.imageHeight == 6)
  #expect(container.channels == 3 && container.downsamplingFactor == 4)
  #expect(container.latentWidth == 2 && container.latentHeight == 2)
  #expect(container.codebookSize == 4)
  #expect(container.stages.map(\.coder) == [.fixedWidth, .adaptiveRange])
  #expect(try container.decodeIndexGrids() == [[0, 1, 2, 3], [3, 3, 3, 1]])
  #expect(container.serialize() == formatExampleBytes)
  #expect(CRC32.checksum(formatExampleBytes.dropLast(4)) == 0x7f80_b047)
}
