import Tensors

/// A table of `K` code vectors of dimension `D`: `embeddings [K, D]`.
///
/// Training and coding read codes through the same `lookup(_:on:)` (a `gatherRows`), so the vectors the decoder
/// sees while training are the vectors it sees when decoding a file.
public final class Codebook {
  /// The code vectors `[K, D]`; a trainable parameter when the codebook is learned by gradient, otherwise
  /// updated in place (EMA, k-means initialisation, restarts).
  public let embeddings: Variable

  /// A codebook over an existing variable `[K, D]` (loaded from a file, or shared with a gradient check).
  public init(embeddings: Variable) {
    precondition(
      embeddings.shape.count == 2 && embeddings.shape[0] >= 1,
      "a codebook needs embeddings [K, D], got \(embeddings.shape)")
    self.embeddings = embeddings
  }

  /// A codebook holding `embeddings [K, D]`.
  public convenience init(embeddings: Tensor, name: String = "codebook") {
    self.init(embeddings: Variable(embeddings, name: name))
  }

  /// VQ-VAE's initialisation: uniform in ±1/K.
  public convenience init(codes: Int, dimension: Int, using rng: inout some RandomNumberGenerator) {
    let bound = 1 / Float(codes)
    self.init(embeddings: .uniform(shape: [codes, dimension], in: -bound...bound, using: &rng))
  }

  /// `K`, the number of codes.
  public var codes: Int { embeddings.shape[0] }
  /// `D`, the dimension of a code.
  public var dimension: Int { embeddings.shape[1] }

  /// The codes at `indices`, one row each: `[indices.count, D]`. Gradients (if recorded) scatter back onto the
  /// rows they came from.
  public func lookup(_ indices: [Int32], on tape: Tape) -> Variable {
    tape.gatherRows(embeddings, indices: indices)
  }

  /// Adds the code at each of `indices`, times `sign` (1 or −1: subtracts it), to the matching row of
  /// `sum [indices.count, D]`. The index K, one past the last code, adds nothing: a position that a stage of a file
  /// skips (Docs/FORMAT.md §4.4).
  public func addCodes(_ indices: [Int32], into sum: inout [Float], sign: Float = 1) {
    precondition(sign == 1 || sign == -1, "add or subtract")
    let (k, d) = (codes, dimension)
    precondition(sum.count == indices.count * d, "one row of the sum per index")
    precondition(indices.allSatisfy { (0...Int32(k)).contains($0) }, "indices must lie in 0...K")
    embeddings.value.scalars.withUnsafeBufferPointer { table in
      sum.withUnsafeMutableBufferPointer { sum in
        for (row, index) in indices.enumerated() where Int(index) < k {
          let code = Int(index) * d
          for j in 0..<d { sum[row * d + j] += sign * table[code + j] }
        }
      }
    }
  }

  /// The nearest code to each row of `latents [M, D]` (squared L2, ties to the lowest index), and that distance.
  public func nearest(to latents: [Float]) -> (indices: [Int32], distances: [Float]) {
    precondition(latents.count % dimension == 0, "latents do not divide into rows of \(dimension)")
    return nearestCodes(
      latents, rows: latents.count / dimension, codebook: embeddings.value.scalars, codes: codes, dimension: dimension)
  }
}
