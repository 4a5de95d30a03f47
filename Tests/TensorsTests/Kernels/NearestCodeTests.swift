import Tensors
import TestSupport
import Testing

@Suite struct NearestCodeTests {
  /// Brute force: squared L2 distance to every code in Double, first minimum wins (ties → lowest index).
  static func bruteForce(
    _ z: [Float], rows m: Int, codebook: [Float], codes k: Int, dimension d: Int
  )
    -> (indices: [Int32], distances: [Double], all: [[Double]])
  {
    var indices: [Int32] = []
    var distances: [Double] = []
    var all: [[Double]] = []
    for r in 0..<m {
      let row = (0..<k).map { j in
        (0..<d).reduce(0.0) { s, t in
          let v = Double(z[r * d + t]) - Double(codebook[j * d + t])
          return s + v * v
        }
      }
      let best = row.indices.min { row[$0] < row[$1] || (row[$0] == row[$1] && $0 < $1) }!
      indices.append(Int32(best))
      distances.append(row[best])
      all.append(row)
    }
    return (indices, distances, all)
  }

  /// Small integers: every distance is exact in Float, so ties are real ties and must go to the lowest index.
  static func integers(_ count: Int, seed: UInt64) -> [Float] {
    var rng = SplitMix64(seed: seed)
    return (0..<count).map { _ in Float(Int.random(in: -2...2, using: &rng)) }
  }

  @Test func tieGoesToTheLowestIndex() {
    // Codes 1 and 3 are the same point; z = [0, 0] is equally far (1) from codes 0, 1, 2 and 3 except 0 is farther.
    let codebook: [Float] = [2, 0, 1, 0, -1, 0, 1, 0, 0, 1]
    let (indices, distances) = nearestCodes([0, 0, 1, 0, 0, 1], rows: 3, codebook: codebook, codes: 5, dimension: 2)
    #expect(indices == [1, 1, 4])
    #expect(distances == [1, 0, 0])
  }

  @Test(arguments: [(37, 11, 5), (1, 1, 1), (5, 3, 1), (130, 7, 3), (1100, 6, 2)])
  func equalsBruteForceOnIntegerData(_ m: Int, _ k: Int, _ d: Int) {
    // Integer data in −2…2 has many exact ties; 1100 rows crosses the 1024-row GEMM block, 130 the parallel split.
    let z = Self.integers(m * d, seed: 1)
    let codebook = Self.integers(k * d, seed: 2)
    let fast = nearestCodes(z, rows: m, codebook: codebook, codes: k, dimension: d)
    let slow = Self.bruteForce(z, rows: m, codebook: codebook, codes: k, dimension: d)
    #expect(fast.indices == slow.indices)
    #expect(fast.distances == slow.distances.map { Float($0) })
  }

  @Test(arguments: [(41, 13, 5), (200, 9, 3)])
  func equalsBruteForceOnRandomData(_ m: Int, _ k: Int, _ d: Int) {
    // Float data: the ‖z‖² − 2z·e + ‖e‖² expansion rounds differently from (z − e)², so a different index is
    // accepted only for a near-tie (distances within 1e-5).
    let z = randomTensor([m, d], seed: 3).scalars
    let codebook = randomTensor([k, d], seed: 4).scalars
    let fast = nearestCodes(z, rows: m, codebook: codebook, codes: k, dimension: d)
    let slow = Self.bruteForce(z, rows: m, codebook: codebook, codes: k, dimension: d)
    for r in 0..<m {
      let chosen = slow.all[r][Int(fast.indices[r])]
      #expect(fast.indices[r] == slow.indices[r] || abs(chosen - slow.distances[r]) < 1e-5, "row \(r)")
      #expect(abs(Double(fast.distances[r]) - slow.distances[r]) < 1e-5, "row \(r) distance")
    }
  }

  @Test func noRowsGiveNoCodes() {
    let (indices, distances) = nearestCodes([], rows: 0, codebook: [1, 2], codes: 1, dimension: 2)
    #expect(indices.isEmpty && distances.isEmpty)
  }
}
