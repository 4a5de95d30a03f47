import RealModule
import Tensors

/// Helpers over rows of categorical distributions `[M, K]`, shared by the Gumbel-softmax and REINFORCE quantizers.
enum Categorical {
  /// The index of each row's largest value (ties to the lowest index).
  static func argmax(_ values: [Float], width k: Int) -> [Int32] {
    let m = values.count / k
    var result = [Int32](repeating: 0, count: m)
    values.withUnsafeBufferPointer { v in
      for r in 0..<m {
        var best = 0
        for j in 1..<k where v[r * k + j] > v[r * k + best] { best = j }
        result[r] = Int32(best)
      }
    }
    return result
  }

  /// One sample per row of `log q` by inverse CDF, from one uniform draw each.
  static func sample(logProbabilities: [Float], width k: Int, using rng: inout some RandomNumberGenerator) -> [Int32] {
    let m = logProbabilities.count / k
    var result = [Int32](repeating: 0, count: m)
    for r in 0..<m {
      var u = Double.random(in: 0..<1, using: &rng)
      var pick = k - 1
      for j in 0..<k {
        u -= Double.exp(Double(logProbabilities[r * k + j]))
        if u < 0 {
          pick = j
          break
        }
      }
      result[r] = Int32(pick)
    }
    return result
  }

  /// Standard Gumbel noise `g = −log(−log u)`, `u = (j + ½)/2⁵³` uniform in (0, 1) from 53 random bits.
  static func gumbelNoise(count: Int, using rng: inout some RandomNumberGenerator) -> [Float] {
    var noise = [Float](repeating: 0, count: count)
    noise.withUnsafeMutableBufferPointer { g in
      for i in 0..<count {
        let u = (Double(rng.next() >> 11) + 0.5) * 0x1p-53
        g[i] = Float(-Double.log(-Double.log(u)))
      }
    }
    return noise
  }

  /// One-hot rows `[M, K]`.
  static func oneHot(_ indices: [Int32], width k: Int) -> Tensor {
    var t = Tensor(zeros: [indices.count, k])
    for (r, i) in indices.enumerated() { t.scalars[r * k + Int(i)] = 1 }
    return t
  }

  /// Mean over rows of the entropy `H = −Σ_k q_k log q_k` in nats.
  static func meanEntropy(logProbabilities: [Float], width k: Int) -> Float {
    let m = logProbabilities.count / k
    var total = 0.0
    for v in logProbabilities where v > -.infinity { total -= Double.exp(Double(v)) * Double(v) }
    return Float(total / Double(max(1, m)))
  }
}

extension Tape {
  /// `log q(k_r)` of each row's chosen index, `[M, 1]`: `Σ_k logq[r, k] · onehot[r, k]` (differentiable in `logq`).
  func selected(_ logProbabilities: Variable, at indices: [Int32]) -> Variable {
    let k = logProbabilities.shape[1]
    let mask = Variable(Categorical.oneHot(indices, width: k), requiresGrad: false)
    return sum(multiply(logProbabilities, mask), axis: 1)
  }

  /// The entropy of each row of `logq [M, K]`, `[M, 1]`: `−Σ_k e^{logq} · logq`.
  func entropy(_ logProbabilities: Variable) -> Variable {
    scaled(sum(multiply(exp(logProbabilities), logProbabilities), axis: 1), by: -1)
  }
}
