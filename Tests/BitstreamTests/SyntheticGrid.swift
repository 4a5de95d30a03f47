/// Index grids shaped like the ones the codec produces, for round trips and compression measurements.
struct SyntheticGrid {
  var height: Int
  var width: Int
  var codebookSize: Int
  var indices: [UInt16]

  /// Every index equally likely, independently: nothing to exploit, fixed width is optimal.
  static func uniform(height: Int, width: Int, codebookSize: Int, using rng: inout SplitMix64) -> SyntheticGrid {
    let indices = (0..<height * width).map { _ in UInt16(Int.random(in: 0..<codebookSize, using: &rng)) }
    return SyntheticGrid(height: height, width: width, codebookSize: codebookSize, indices: indices)
  }

  /// Independent indices with a geometric-like skew: index i has weight ∝ 0.97^i (a histogram prior helps).
  static func skewed(height: Int, width: Int, codebookSize: Int, using rng: inout SplitMix64) -> SyntheticGrid {
    let counts = skewedCounts(codebookSize: codebookSize)
    let total = counts.reduce(0) { $0 + Int($1) }
    let indices = (0..<height * width).map { _ -> UInt16 in
      var target = Int.random(in: 0..<total, using: &rng)
      for (index, count) in counts.enumerated() {
        if target < Int(count) { return UInt16(index) }
        target -= Int(count)
      }
      return UInt16(codebookSize - 1)
    }
    return SyntheticGrid(height: height, width: width, codebookSize: codebookSize, indices: indices)
  }

  /// The histogram `skewed` samples from, usable as the coder's prior.
  static func skewedCounts(codebookSize: Int) -> [UInt32] {
    var weight = 1_000_000.0
    return (0..<codebookSize).map { _ in
      defer { weight *= 0.97 }
      return UInt32(max(weight, 1))
    }
  }

  /// Piecewise-constant blocks of side `blockSize` with uniform random indices, then a fraction `noise`
  /// of positions replaced by uniform random indices: flat regions with edges, like a VQ map of an image.
  static func blocky(
    height: Int, width: Int, codebookSize: Int, blockSize: Int, noise: Double, using rng: inout SplitMix64
  ) -> SyntheticGrid {
    let blocksAcross = (width + blockSize - 1) / blockSize
    let blocksDown = (height + blockSize - 1) / blockSize
    let blockValues = (0..<blocksAcross * blocksDown).map { _ in UInt16(Int.random(in: 0..<codebookSize, using: &rng)) }
    var indices = [UInt16](repeating: 0, count: height * width)
    for y in 0..<height {
      for x in 0..<width {
        indices[y * width + x] = blockValues[(y / blockSize) * blocksAcross + x / blockSize]
        if Double.random(in: 0..<1, using: &rng) < noise {
          indices[y * width + x] = UInt16(Int.random(in: 0..<codebookSize, using: &rng))
        }
      }
    }
    return SyntheticGrid(height: height, width: width, codebookSize: codebookSize, indices: indices)
  }

  /// A second residual stage whose flat regions coincide with this grid's: same block structure, new values.
  func nextStage(noise: Double, using rng: inout SplitMix64) -> SyntheticGrid {
    var relabel = [Int: UInt16]()
    var indices = indices.map { value -> UInt16 in
      if let mapped = relabel[Int(value)] { return mapped }
      let mapped = UInt16(Int.random(in: 0..<codebookSize, using: &rng))
      relabel[Int(value)] = mapped
      return mapped
    }
    for position in indices.indices where Double.random(in: 0..<1, using: &rng) < noise {
      indices[position] = UInt16(Int.random(in: 0..<codebookSize, using: &rng))
    }
    return SyntheticGrid(height: height, width: width, codebookSize: codebookSize, indices: indices)
  }
}
