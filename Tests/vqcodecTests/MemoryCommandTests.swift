import Codec
import Foundation
import Imaging
import Tensors
import TestSupport
import Testing

/// Two smooth images 600 pixels wide (small PNGs), coded with a tiny f = 8 model in tiles of 128 × 128 latents
/// (1,024 × 1,024 pixels) plus margins: 3,072 rows (three rows of tiles, so the middle one already has its full
/// margins and the largest tile tensors) and 8,192 rows. What the larger one costs beyond the smaller one is what
/// the image's size costs, with the per-tile work the same: 9.2 MB of pixels.
private struct MemoryFixture {
  let folder: TemporaryFolder
  let pixelBytes = 600 * (8192 - 3072) * 3

  init() throws {
    folder = try TemporaryFolder()
    for (name, width, height) in [("large", 600, 8192), ("small", 600, 3072)] {
      let image = RGBImage(
        width: width, height: height,
        pixels: (0..<width * height * 3).map { i in
          UInt8((i / 3 % width * 255 / width + i / 3 / width * 128 / height + i % 3 * 40) % 256)
        })
      try folder.write(try image.pngData(), named: name + ".png")
    }
    var rng = SplitMix64(seed: 9)
    let configuration = ModelConfiguration(
      downsampling: 8, width: 8, residualBlocks: 0, residualHidden: 1, latentDimension: 2, codebookSize: 4, stages: 2)
    try folder.write(ModelFile.serialize(VQModel(configuration, using: &rng)), named: "m.vqm")
  }

  /// Peak memory of the large image's run above the small one's, as the command reports it: what the image costs.
  func extraPeak(_ command: String, input: (String) -> String, output: (String) -> String) throws -> Int {
    var peaks: [Int] = []
    for name in ["small", "large"] {
      let run = try vqcodec(
        [command, input(name), output(name), "--model", "m.vqm", "--threads", "1", "--force"], in: folder.path)
      #expect(run.status == 0, "stderr: \(run.stderr)")
      let megabytes = try #require(
        run.stdout.split(separator: "peak memory ").last.flatMap { Double($0.prefix { $0 != " " }) })
      peaks.append(Int(megabytes * 1024 * 1024))
    }
    return peaks[1] - peaks[0]
  }
}

/// Decoding streams bands of rows into the PNG writer: the image is never whole in memory, let alone twice.
@Test func decodingHoldsOneBandNotTheImage() throws {
  let fixture = try MemoryFixture()
  defer { fixture.folder.remove() }
  _ = try fixture.extraPeak("encode", input: { $0 + ".png" }, output: { $0 + ".vq" })  // the .vq files to decode
  let extra = try fixture.extraPeak("decode", input: { $0 + ".vq" }, output: { $0 + "-decoded.png" })
  #expect(extra < fixture.pixelBytes / 2, "9.2 MB more pixels took \(extra >> 20) MB more memory")
}
