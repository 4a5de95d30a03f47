import Tensors

/// The state of an EMA codebook (van den Oord et al. 2017, appendix A.1): per code an exponential moving average
/// of its cluster size `N_k` and of the sum of the latents assigned to it `m_k`; the code is `m_k / Ñ_k` with
/// Laplace-smoothed sizes `Ñ_k = (N_k + ε) / (Σ_j N_j + K·ε) · Σ_j N_j`.
public struct CodebookEMA: Equatable, Sendable {
  public let decay: Float
  public let epsilon: Float
  /// `N_k`, `[K]`.
  public var clusterSizes: [Float]
  /// `m_k`, `[K, D]` row-major.
  public var embeddingSums: [Float]

  /// Starts consistent with `codebook`: `N_k = 1`, `m_k = e_k`.
  public init(codebook: Codebook, decay: Float, epsilon: Float = 1e-5) {
    precondition(decay > 0 && decay < 1, "EMA decay must lie in (0, 1), got \(decay)")
    (self.decay, self.epsilon) = (decay, epsilon)
    clusterSizes = [Float](repeating: 1, count: codebook.codes)
    embeddingSums = codebook.embeddings.value.scalars
  }

  /// Restarts code `k` at `vector` with size `size`: `N_k = size`, `m_k = size · vector`.
  public mutating func reset(code k: Int, to vector: ArraySlice<Float>, size: Float) {
    let d = vector.count
    clusterSizes[k] = size
    for (j, v) in vector.enumerated() { embeddingSums[k * d + j] = size * v }
  }

  /// One update from a batch: `N_k ← γN_k + (1−γ)n_k`, `m_k ← γm_k + (1−γ)Σ_{i: k_i = k} z_i`, then
  /// `e_k ← m_k / Ñ_k` written into `codebook`. `latents [M, D]`, `indices [M]`.
  public mutating func update(_ codebook: Codebook, latents: [Float], indices: [Int32]) {
    let (k, d) = (codebook.codes, codebook.dimension)
    precondition(
      latents.count == indices.count * d, "EMA update: \(indices.count) indices for \(latents.count / d) latents")
    var counts = [Float](repeating: 0, count: k)
    var sums = [Float](repeating: 0, count: k * d)
    latents.withUnsafeBufferPointer { z in
      sums.withUnsafeMutableBufferPointer { s in
        for (i, index) in indices.enumerated() {
          let c = Int(index)
          counts[c] += 1
          for j in 0..<d { s[c * d + j] += z[i * d + j] }
        }
      }
    }
    update(codebook, counts: counts, sums: sums)
  }

  /// The same update from a batch's counts `n_k` `[K]` and latent sums `[K, D]` (summed over the shards of a step).
  public mutating func update(_ codebook: Codebook, counts: [Float], sums: [Float]) {
    let (k, d) = (codebook.codes, codebook.dimension)
    precondition(counts.count == k && sums.count == k * d, "EMA update: statistics for another codebook")
    let (g, eps) = (decay, epsilon)
    for c in 0..<k { clusterSizes[c] = g * clusterSizes[c] + (1 - g) * counts[c] }
    let total = clusterSizes.reduce(0, +)
    embeddingSums.withUnsafeMutableBufferPointer { m in
      sums.withUnsafeBufferPointer { s in
        codebook.embeddings.value.scalars.withUnsafeMutableBufferPointer { e in
          for c in 0..<k {
            let smoothed = (clusterSizes[c] + eps) / (total + Float(k) * eps) * total
            for j in 0..<d {
              m[c * d + j] = g * m[c * d + j] + (1 - g) * s[c * d + j]
              e[c * d + j] = m[c * d + j] / smoothed
            }
          }
        }
      }
    }
  }
}
