import Tensors

/// k-means on rows of a `[M, D]` buffer: k-means++ seeding (Arthur & Vassilvitskii 2007) and Lloyd iterations
/// (assignment by the `nearestCodes` GEMM kernel). Used to start codebooks where the encoder outputs actually are.
public enum KMeans {
  /// k-means++ seeding: the first centre uniformly at random, each next one drawn with probability proportional
  /// to its squared distance to the nearest centre chosen so far. Returns `count` row indices into `points`;
  /// they are distinct whenever `points` has at least `count` distinct rows (a chosen row has weight 0).
  public static func seedIndices(
    points: [Float], dimension d: Int, count k: Int, using rng: inout some RandomNumberGenerator
  ) -> [Int] {
    let m = points.count / d
    precondition(m >= 1 && points.count == m * d, "k-means needs at least one point of dimension \(d)")
    var chosen = [Int.random(in: 0..<m, using: &rng)]
    var nearest = [Double](repeating: .infinity, count: m)
    points.withUnsafeBufferPointer { p in
      while chosen.count < k {
        let c = chosen[chosen.count - 1]
        var total = 0.0
        for i in 0..<m {
          var s: Float = 0
          for j in 0..<d {
            let t = p[i * d + j] - p[c * d + j]
            s += t * t
          }
          nearest[i] = min(nearest[i], Double(s))
          total += nearest[i]
        }
        // Every point on a centre (no new distinct point exists), or distances that overflowed (a diverging run,
        // which the trainer then stops): draw uniformly.
        guard total > 0 && total.isFinite else {
          chosen.append(Int.random(in: 0..<m, using: &rng))
          continue
        }
        var target = Double.random(in: 0..<total, using: &rng)
        var pick = m - 1
        for i in 0..<m {
          target -= nearest[i]
          if target < 0 && nearest[i] > 0 {
            pick = i
            break
          }
        }
        while nearest[pick] == 0 { pick -= 1 }  // rounding ran past the end: the last point with weight
        chosen.append(pick)
      }
    }
    return chosen
  }

  /// k-means++ seeds then `iterations` Lloyd steps. Returns the centroids `[count, D]` and how many points each
  /// holds after the last assignment; a centroid that loses all its points keeps its position.
  public static func cluster(
    points: [Float], dimension d: Int, count k: Int, iterations: Int, using rng: inout some RandomNumberGenerator
  ) -> (centroids: [Float], counts: [Int]) {
    let seeds = seedIndices(points: points, dimension: d, count: k, using: &rng)
    var centroids = [Float](repeating: 0, count: k * d)
    for (c, i) in seeds.enumerated() {
      centroids.replaceSubrange(c * d..<(c + 1) * d, with: points[i * d..<(i + 1) * d])
    }
    var counts = assign(points, dimension: d, centroids: &centroids, count: k, move: false)
    for _ in 0..<iterations { counts = assign(points, dimension: d, centroids: &centroids, count: k, move: true) }
    return (centroids, counts)
  }

  /// Assigns each point to its nearest centroid; when `move`, moves each non-empty centroid to its points' mean
  /// first computed from the assignment (one Lloyd step). Returns the assignment's counts.
  private static func assign(
    _ points: [Float], dimension d: Int, centroids: inout [Float], count k: Int, move: Bool
  ) -> [Int] {
    let m = points.count / d
    let (indices, _) = nearestCodes(points, rows: m, codebook: centroids, codes: k, dimension: d)
    var counts = [Int](repeating: 0, count: k)
    for i in indices { counts[Int(i)] += 1 }
    guard move else { return counts }
    var sums = [Double](repeating: 0, count: k * d)
    points.withUnsafeBufferPointer { p in
      for (i, index) in indices.enumerated() {
        let c = Int(index)
        for j in 0..<d { sums[c * d + j] += Double(p[i * d + j]) }
      }
    }
    for c in 0..<k where counts[c] > 0 {
      for j in 0..<d { centroids[c * d + j] = Float(sums[c * d + j] / Double(counts[c])) }
    }
    return counts
  }

  /// Mean squared distance of each point to its nearest centroid (the k-means objective per point).
  public static func distortion(points: [Float], dimension d: Int, centroids: [Float]) -> Float {
    let m = points.count / d
    let (_, distances) = nearestCodes(points, rows: m, codebook: centroids, codes: centroids.count / d, dimension: d)
    return Float(distances.reduce(0.0) { $0 + Double($1) } / Double(max(1, m)))
  }
}
