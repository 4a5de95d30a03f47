import Codec
import Imaging
import Quantizers
import Tensors

// Public API only (no @testable): ImageCodecTests uses these helpers, and must see only what a library user sees.

/// The smallest architecture the format accepts: f2, width 8, no residual blocks, D 2, K 4, two stages (~1k floats).
let microConfiguration = ModelConfiguration(
  downsampling: 2, width: 8, residualBlocks: 0, residualHidden: 1, latentDimension: 2, codebookSize: 4, stages: 2)

/// A fresh model whose codebooks are rows of its own encoder's outputs (stage s: rows of what stages < s leave), as
/// k-means would start them: a fresh model's codebooks are ±1/K, every latent would pick the same code and coding
/// tests would prove little. A skewed index prior puts the static range coder in play.
func makeModel(
  _ configuration: ModelConfiguration = ModelConfiguration.presets["tiny"]!, seed: UInt64,
  estimator: Estimator = .straightThrough
) -> VQModel {
  var rng = SplitMix64(seed: seed)
  let model = VQModel(configuration, estimator: estimator, using: &rng)
  let f = configuration.downsampling
  let probe = testImage(width: 8 * f, height: 6 * f, seed: UInt32(truncatingIfNeeded: seed)).tensor(
    paddedToMultipleOf: f)
  var residual = model.encoder(Variable(probe, requiresGrad: false), on: Tape(isRecording: false)).value.scalars
  let codebooks: [Codebook]
  switch model.bottleneck {
  case .residual(let q): codebooks = q.stages.map(\.codebook)
  case .gumbel(let q): codebooks = [q.codebook]
  case .reinforce(let q): codebooks = [q.codebook]
  }
  for codebook in codebooks {
    let (k, d) = (codebook.codes, codebook.dimension)
    let m = residual.count / d
    var rows: [Float] = []
    for c in 0..<k {
      let row = c * m / k
      rows += residual[row * d..<(row + 1) * d]
    }
    codebook.embeddings.value.scalars = rows
    let nearest = codebook.nearest(to: residual).indices
    for (row, code) in nearest.enumerated() {
      for j in 0..<d { residual[row * d + j] -= codebook.embeddings.value.scalars[Int(code) * d + j] }
    }
  }
  model.indexPrior = (0..<model.stageCount).map { _ in
    (0..<model.configuration.codebookSize).map { k in UInt32(1 + 1000 / (k + 1)) }
  }
  return model
}

/// The `.vqm` bytes of `makeModel(…)`.
func makeModelBytes(
  _ configuration: ModelConfiguration = ModelConfiguration.presets["tiny"]!, seed: UInt64,
  estimator: Estimator = .straightThrough, notes: String = ""
) -> [UInt8] {
  ModelFile.serialize(makeModel(configuration, seed: seed, estimator: estimator), notes: notes)
}

/// Ramps, an edge and noise, from a 32-bit LCG: the same pixels on every platform.
func testImage(width: Int, height: Int, seed: UInt32) -> RGBImage {
  var state = seed
  var pixels: [UInt8] = []
  pixels.reserveCapacity(width * height * 3)
  for y in 0..<height {
    for x in 0..<width {
      for c in 0..<3 {
        state = state &* 1_664_525 &+ 1_013_904_223
        let edge = x > width / 2 ? 70 : 0
        pixels.append(UInt8((x * 7 + y * 5 + c * 60 + edge) % 180 + Int(state >> 27)))
      }
    }
  }
  return RGBImage(width: width, height: height, pixels: pixels)
}

/// Rewrites a `.vqm`'s or `.vq`'s trailing CRC-32 so that an edited body reaches the check aimed at.
func withFixedChecksum(_ bytes: [UInt8]) -> [UInt8] {
  var body = Array(bytes.dropLast(4))
  let crc = crc32(body)
  for shift in stride(from: 0, to: 32, by: 8) { body.append(UInt8(truncatingIfNeeded: crc >> UInt32(shift))) }
  return body
}

/// Bitwise CRC-32 (zlib's polynomial 0xEDB88320, reflected): independent of the code under test.
func crc32(_ bytes: [UInt8]) -> UInt32 {
  var crc: UInt32 = 0xFFFF_FFFF
  for b in bytes {
    crc ^= UInt32(b)
    for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
  }
  return ~crc
}

/// Writes a little-endian unsigned integer of `size` bytes at `offset`.
func setLittleEndian(_ value: UInt64, size: Int, at offset: Int, in bytes: inout [UInt8]) {
  for i in 0..<size { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
}
