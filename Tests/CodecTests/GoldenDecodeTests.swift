import DefaultModel
import Foundation
import Layers
import Testing
import Codec

/// Files encoded once with the shipped model must decode to the same pixels on every machine and build: the CRC-32
/// of each decoded image was computed by Pillow and zlib from `vqcodec decode`'s PNG (Fixtures/Golden/regenerate.sh).
struct GoldenDecodeTests {
  @Test func goldenFilesDecodeToTheRecordedPixels() throws {
    let folder = try #require(Bundle.module.url(forResource: "Golden", withExtension: nil, subdirectory: "Fixtures"))
    let expected = try String(contentsOf: folder.appendingPathComponent("expected.txt"), encoding: .utf8)
      .split(separator: "\n").map { $0.split(separator: " ") }
    #expect(!expected.isEmpty)
    let codec = try ImageCodec(modelBytes: try DefaultModel.bytes())
    for line in expected {
      let bytes = try [UInt8](Data(contentsOf: folder.appendingPathComponent(String(line[0]))))
      let image = try codec.decode(bytes)
      #expect(crc32Checksum(image.pixels[...]) == UInt32(line[1]), "\(line[0])")
    }
  }
}
