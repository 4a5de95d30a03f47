import Testing

@testable import Tensors

/// The bias gradient is each column's sum over the rows, in row order: exactly the additions of a plain loop, for
/// widths with and without a partial 16-column group, and with the rows split or not (`rows ≥ 4096`).
@Test(arguments: [(rows: 5000, width: 35), (rows: 5000, width: 128), (rows: 7, width: 3)])
func columnSumsAreThePlainLoopsAdditions(_ shape: (rows: Int, width: Int)) {
  let dY = randomTensor([shape.rows, shape.width], seed: 50).scalars
  let start = randomTensor([shape.width], seed: 51).scalars
  var expected = start
  for r in 0..<shape.rows {
    for j in 0..<shape.width { expected[j] += dY[r * shape.width + j] }
  }
  var sums = start
  dY.withUnsafeBufferPointer { dy in
    sums.withUnsafeMutableBufferPointer {
      addColumnSums(dy.baseAddress!, rows: shape.rows, width: shape.width, into: $0.baseAddress!)
    }
  }
  #expect(sums == expected)
}
