import Tensors

@testable import Quantizers

/// Squared distance between row `i` of `a` and row `j` of `b`, both of width `d`, in Double.
func squaredDistance(_ a: [Float], _ i: Int, _ b: [Float], _ j: Int, dimension d: Int) -> Double {
  var s = 0.0
  for t in 0..<d {
    let v = Double(a[i * d + t]) - Double(b[j * d + t])
    s += v * v
  }
  return s
}

/// The nearest row of `codebook [K, D]` to each row of `z`, by brute force (ties to the lowest index).
func bruteForceNearest(_ z: [Float], codebook: [Float], dimension d: Int) -> [Int32] {
  let (m, k) = (z.count / d, codebook.count / d)
  return (0..<m).map { i in
    Int32(
      (0..<k).min {
        squaredDistance(z, i, codebook, $0, dimension: d) < squaredDistance(z, i, codebook, $1, dimension: d)
      }!)
  }
}

/// `count` points of dimension `d` around `centres` (rows of `[C, d]`), `spread` standard deviation.
func clusteredPoints(
  centres: [Float], dimension d: Int, count: Int, spread: Float, using rng: inout SplitMix64
) -> [Float] {
  let c = centres.count / d
  var points: [Float] = []
  for i in 0..<count {
    let centre = i % c
    for t in 0..<d { points.append(centres[centre * d + t] + spread * Float(standardNormal(using: &rng))) }
  }
  return points
}

/// A constant (no gradient) variable.
func constant(_ t: Tensor) -> Variable { Variable(t, requiresGrad: false) }

/// The rows of `table` (width `d`) at `indices`, concatenated.
func rows(_ indices: [Int32], of table: [Float], dimension d: Int) -> [Float] {
  var result: [Float] = []
  for i in indices { result += table[Int(i) * d..<(Int(i) + 1) * d] }
  return result
}
