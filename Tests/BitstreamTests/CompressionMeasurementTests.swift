import Testing

@testable import Bitstream

/// Bits per index of each coder on 64 × 64 synthetic grids, printed as a table (FORMAT.md §7 quotes it).
/// The checks only assert what must hold on any machine: fixed width costs exactly ceil(log2 K) plus padding.
@Test(arguments: [16, 256, 4096])
func measureBitsPerIndex(codebookSize: Int) throws {
  var rng = SplitMix64(seed: 2024)
  let (height, width) = (64, 64)
  let prior = SyntheticGrid.skewedCounts(codebookSize: codebookSize)
  let blocky = SyntheticGrid.blocky(
    height: height, width: width, codebookSize: codebookSize, blockSize: 8, noise: 0.05, using: &rng)
  var cases: [(String, SyntheticGrid, [UInt16]?)] = [
    ("iid uniform", .uniform(height: height, width: width, codebookSize: codebookSize, using: &rng), nil),
    ("iid skewed", .skewed(height: height, width: width, codebookSize: codebookSize, using: &rng), nil),
    ("blocky 8x8, 5% noise", blocky, nil),
    (
      "blocky 4x4, 20% noise",
      .blocky(
        height: height, width: width, codebookSize: codebookSize,
        blockSize: 4, noise: 0.2, using: &rng), nil
    ),
  ]
  let secondStage = blocky.nextStage(noise: 0.05, using: &rng)
  cases.append(("blocky stage 2, no prev", secondStage, nil))
  cases.append(("blocky stage 2 + prev", secondStage, blocky.indices))
  var lines = [
    "K = \(codebookSize), log2 K = \(FixedWidthCoder.bitsPerIndex(codebookSize: codebookSize)) "
      + "| fixed | static (skewed prior) | adaptive | adaptive + prior"
  ]
  for (name, grid, previous) in cases {
    let count = Double(grid.indices.count)
    let fixed = try expectRoundTrip(grid, using: .fixedWidth)
    let stat = try expectRoundTrip(grid, using: .staticRange, priorCounts: prior)
    let adaptive = try expectRoundTrip(grid, using: .adaptiveRange, previousStage: previous)
    let adaptivePrior = try expectRoundTrip(grid, using: .adaptiveRange, priorCounts: prior, previousStage: previous)
    #expect(fixed == 8 * ((grid.indices.count * FixedWidthCoder.bitsPerIndex(codebookSize: codebookSize) + 7) / 8))
    let cells = [fixed, stat, adaptive, adaptivePrior].map { String(format3(Double($0) / count)) }
    lines.append("\(name) | " + cells.joined(separator: " | "))
  }
  print(lines.joined(separator: "\n"))
}

private func format3(_ value: Double) -> String {
  let scaled = Int((value * 1000).rounded())
  let fraction = String(scaled % 1000)
  return "\(scaled / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
}
