import Bitstream
import DefaultModel
import Foundation
import Imaging
import Layers
import Serialization
import Testing

@testable import Codec

/// The promise of Docs/FORMAT.md §6 (the decoder's duties), tested exactly: the engine's arithmetic does not
/// depend on the CPU, its kernels or the thread count, so the shipped model must turn `Samples/Images/parrots.png`
/// into the committed `.vq` files byte for byte, and those files into the recorded pixels bit for bit, on every
/// machine. The CRC-32 of each decoded image was computed by Pillow and zlib from `vqcodec decode`'s PNG
/// (Fixtures/Golden/regenerate.sh), independently of vqcodec's own PNG and CRC code.
struct GoldenDecodeTests {
  static let folder = Bundle.module.url(forResource: "Golden", withExtension: nil, subdirectory: "Fixtures")!

  /// `parrots-S.vq` and the CRC-32 of its decoded RGB pixels, one per stage count (`expected.txt`, the default
  /// model's), or the high-rate model's one file (`expected-high.txt`).
  static func expectations(_ list: String = "expected.txt") throws -> [(file: String, pixelCRC: UInt32)] {
    try String(contentsOf: folder.appendingPathComponent(list), encoding: .utf8)
      .split(separator: "\n").map { line in
        let fields = line.split(separator: " ")
        return (String(fields[0]), try #require(UInt32(fields[1])))
      }
  }

  /// `Samples/Images/parrots.png`, the image every golden file was encoded from.
  static func sample() throws -> RGBImage {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("../../Samples/Images/parrots.png")
    return try ImageFile.decode(data: [UInt8](Data(contentsOf: url))).image
  }

  static func golden(_ file: String) throws -> [UInt8] {
    try [UInt8](Data(contentsOf: folder.appendingPathComponent(file)))
  }

  @Test func goldenFilesDecodeToTheRecordedPixels() throws {
    let expected = try Self.expectations()
    #expect(expected.count >= 2)
    let codec = try ImageCodec(modelBytes: try DefaultModel.bytes())
    for (file, pixelCRC) in expected {
      let bytes = try Self.golden(file)
      #expect(CRC32.checksum(try codec.decode(bytes).pixels) == pixelCRC, "\(file)")
      // Version 1 files are still read: the same fields and payloads in the older layout decode the same.
      var asVersion1 = try VQContainer.parse(bytes)
      asVersion1.version = 1
      #expect(CRC32.checksum(try codec.decode(asVersion1.serialize()).pixels) == pixelCRC, "\(file) as version 1")
    }
  }

  /// Encoding is as exact as decoding: the index grids, and so the whole file, come out the same everywhere. The
  /// files with fewer stages carry the same grids as the first stages of the full one (residual stages are greedy).
  @Test func theSampleEncodesToTheGoldenFilesByteForByte() throws {
    let expected = try Self.expectations()
    let codec = try ImageCodec(modelBytes: try DefaultModel.bytes())
    let image = try Self.sample()
    let full = try #require(expected.last)
    let encoded = try codec.encode(image)
    #expect(try VQContainer.parse(encoded).version == 2)
    #expect(encoded == (try Self.golden(full.file)), "\(full.file)")
    let fullGrids = try Self.indexGrids(of: full.file, model: codec.model)
    for (file, _) in expected.dropLast() {
      let grids = try Self.indexGrids(of: file, model: codec.model)
      #expect(grids == Array(fullGrids.prefix(grids.count)), "\(file)")
    }
  }

  /// Progressive files: the sample's version 2 file cut after its k-th stage (a prefix of its bytes) decodes to the
  /// recorded pixels of the k-stage golden file, and so does decoding the whole file with `stages: k`.
  @Test func prefixesOfTheSamplesFileDecodeToTheRecordedPixels() throws {
    let expected = try Self.expectations()
    let codec = try ImageCodec(modelBytes: try DefaultModel.bytes())
    let bytes = try codec.encode(try Self.sample())
    let container = try VQContainer.parse(bytes)
    for (index, (file, pixelCRC)) in expected.enumerated() {
      let stages = index + 1
      let prefix = container.keepingStages(stages).serialize()
      #expect(Array(bytes.prefix(prefix.count)) == prefix, "\(file)")
      #expect(CRC32.checksum(try codec.decode(prefix).pixels) == pixelCRC, "\(file)")
      #expect(CRC32.checksum(try codec.decode(bytes, stages: stages).pixels) == pixelCRC, "\(file)")
    }
  }

  /// The shipped high-rate model (GDN, more stages) keeps the same promise: the sample encodes to its golden file
  /// byte for byte, and that file decodes to the recorded pixels (`expected-high.txt`, from regenerate.sh).
  @Test func theHighRateModelEncodesAndDecodesTheGoldenFileExactly() throws {
    let (file, pixelCRC) = try #require(try Self.expectations("expected-high.txt").first)
    let codec = try ImageCodec(modelBytes: try DefaultModel.bytes(named: "high"))
    let encoded = try codec.encode(try Self.sample())
    #expect(encoded == (try Self.golden(file)), "\(file)")
    #expect(CRC32.checksum(try codec.decode(try Self.golden(file)).pixels) == pixelCRC, "\(file)")
  }

  static func indexGrids(of file: String, model: VQModel) throws -> [[UInt16]] {
    let container = try VQContainer.parse(try golden(file))
    let stages = container.stages.count
    return try container.decodeIndexGrids(
      priorCounts: model.indexPrior.count >= stages ? Array(model.indexPrior.prefix(stages)) : nil)
  }
}
