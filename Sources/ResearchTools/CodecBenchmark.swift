import Codec
import Layers
import Tensors

/// `bench-f4` encode (encoder + nearest codebook entry) and decode (codebook lookup + decoder + clamp) on one
/// random image, on an inference tape.
final class CodecBenchmark {
  let encoder: Encoder, decoder: Decoder
  let codebook: Tensor
  let image: Variable
  private(set) var indices: [Int32] = []
  let latentShape: [Int]

  init(config: ModelConfiguration, batch: Int, size: ImageSize, rng: inout SplitMix64) {
    encoder = Encoder(config, using: &rng)
    decoder = Decoder(config, using: &rng)
    let k = config.codebookSize
    codebook = .uniform(shape: [k, config.latentDimension], in: -1 / Float(k)...1 / Float(k), using: &rng)
    image = Variable(
      .uniform(shape: [batch, size.height, size.width, 3], in: -0.5...0.5, using: &rng), requiresGrad: false)
    let f = config.downsampling
    latentShape = [batch, size.height / f, size.width / f, config.latentDimension]
    indices = encode()
  }

  @discardableResult
  func encode() -> [Int32] {
    let z = encoder(image, on: Tape.inference)
    let d = z.shape[3]
    return nearestCodes(
      z.value.scalars, rows: z.value.count / d, codebook: codebook.scalars, codes: codebook.shape[0], dimension: d
    ).indices
  }

  @discardableResult
  func decode() -> Tensor {
    let tape = Tape.inference
    let q = tape.gatherRows(Variable(codebook, requiresGrad: false), indices: indices)
    let x = decoder(tape.reshaped(q, to: latentShape), on: tape)
    return tape.clamp(x, -0.5, 0.5).value
  }
}
