import Testing

@testable import Bitstream

/// Encodes with `coder`, decodes, and checks the grid comes back; returns the payload size in bits.
@discardableResult
func expectRoundTrip(
  _ grid: SyntheticGrid, using coder: CoderID, priorCounts: [UInt32]? = nil, previousStage: [UInt16]? = nil,
  sourceLocation: SourceLocation = #_sourceLocation
) throws -> Int {
  let bytes = IndexGridCoder.encode(
    grid.indices, height: grid.height, width: grid.width,
    codebookSize: grid.codebookSize, priorCounts: priorCounts, previousStage: previousStage, using: coder)
  let decoded = try IndexGridCoder.decode(
    StagePayload(coder: coder, bytes: bytes), height: grid.height,
    width: grid.width, codebookSize: grid.codebookSize, priorCounts: priorCounts, previousStage: previousStage)
  #expect(decoded == grid.indices, "\(coder) round trip, K = \(grid.codebookSize)", sourceLocation: sourceLocation)
  return bytes.count * 8
}

@Test(arguments: [2, 3, 256, 4096])
func everyCoderRoundTripsRandomAndStructuredGrids(codebookSize: Int) throws {
  var rng = SplitMix64(seed: UInt64(codebookSize))
  let shapes = [(1, 1), (1, 7), (5, 1), (3, 5), (17, 13)]
  for (height, width) in shapes {
    let grids = [
      SyntheticGrid.uniform(height: height, width: width, codebookSize: codebookSize, using: &rng),
      SyntheticGrid.skewed(height: height, width: width, codebookSize: codebookSize, using: &rng),
      SyntheticGrid.blocky(
        height: height, width: width, codebookSize: codebookSize, blockSize: 4, noise: 0.1, using: &rng),
    ]
    let prior = SyntheticGrid.skewedCounts(codebookSize: codebookSize)
    for grid in grids {
      let previous = grid.nextStage(noise: 0.2, using: &rng).indices
      try expectRoundTrip(grid, using: .fixedWidth)
      try expectRoundTrip(grid, using: .staticRange, priorCounts: prior)
      try expectRoundTrip(grid, using: .adaptiveRange)
      try expectRoundTrip(grid, using: .adaptiveRange, priorCounts: prior, previousStage: previous)
    }
  }
}

@Test func staticCoderKeepsUnseenIndicesCodable() throws {
  var rng = SplitMix64(seed: 3)
  let grid = SyntheticGrid.uniform(height: 9, width: 9, codebookSize: 256, using: &rng)
  var prior = [UInt32](repeating: 0, count: 256)
  prior[7] = 1_000_000  // the training set only ever used index 7
  try expectRoundTrip(grid, using: .staticRange, priorCounts: prior)
  try expectRoundTrip(grid, using: .staticRange, priorCounts: [UInt32](repeating: 0, count: 256))
}

@Test func fixedWidthPayloadIsExactlyCeilOfBits() {
  for (codebookSize, bits) in [(2, 1), (3, 2), (4, 2), (5, 3), (256, 8), (257, 9), (4096, 12), (65536, 16)] {
    #expect(FixedWidthCoder.bitsPerIndex(codebookSize: codebookSize) == bits)
    let indices = [UInt16](repeating: UInt16(codebookSize - 1), count: 7)
    let bytes = IndexGridCoder.encode(indices, height: 1, width: 7, codebookSize: codebookSize, using: .fixedWidth)
    #expect(bytes.count == (7 * bits + 7) / 8)
  }
}

@Test func encoderKeepsTheSmallestPayload() throws {
  var rng = SplitMix64(seed: 11)
  let prior = SyntheticGrid.skewedCounts(codebookSize: 256)
  let grids = [
    SyntheticGrid.uniform(height: 24, width: 24, codebookSize: 256, using: &rng),
    SyntheticGrid.skewed(height: 24, width: 24, codebookSize: 256, using: &rng),
    SyntheticGrid.blocky(height: 24, width: 24, codebookSize: 256, blockSize: 6, noise: 0.05, using: &rng),
  ]
  for grid in grids {
    let chosen = IndexGridCoder.encode(
      grid.indices, height: grid.height, width: grid.width,
      codebookSize: grid.codebookSize, priorCounts: prior)
    let sizes = CoderID.allCases.map { coder in
      IndexGridCoder.encode(
        grid.indices, height: grid.height, width: grid.width,
        codebookSize: grid.codebookSize, priorCounts: prior, using: coder
      ).count
    }
    #expect(chosen.bytes.count == sizes.min())
    #expect(chosen.coder == CoderID.allCases[sizes.firstIndex(of: sizes.min()!)!])
    let decoded = try IndexGridCoder.decode(
      chosen, height: grid.height, width: grid.width,
      codebookSize: grid.codebookSize, priorCounts: prior)
    #expect(decoded == grid.indices)
  }
}

@Test func adaptiveCoderBeatsFixedWidthOnBlockyGrids() throws {
  var rng = SplitMix64(seed: 5)
  let grid = SyntheticGrid.blocky(height: 48, width: 48, codebookSize: 1024, blockSize: 8, noise: 0.05, using: &rng)
  let fixedBits = try expectRoundTrip(grid, using: .fixedWidth)
  let adaptiveBits = try expectRoundTrip(grid, using: .adaptiveRange)
  #expect(Double(adaptiveBits) <= 0.8 * Double(fixedBits), "adaptive \(adaptiveBits) bits vs fixed \(fixedBits)")
}

@Test func staticCoderBeatsFixedWidthOnSkewedGrids() throws {
  var rng = SplitMix64(seed: 6)
  let grid = SyntheticGrid.skewed(height: 32, width: 32, codebookSize: 256, using: &rng)
  let prior = SyntheticGrid.skewedCounts(codebookSize: 256)
  let fixedBits = try expectRoundTrip(grid, using: .fixedWidth)
  let staticBits = try expectRoundTrip(grid, using: .staticRange, priorCounts: prior)
  #expect(Double(staticBits) <= 0.9 * Double(fixedBits), "static \(staticBits) bits vs fixed \(fixedBits)")
}
