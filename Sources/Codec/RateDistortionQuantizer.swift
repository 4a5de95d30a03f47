import Bitstream
import Quantizers

/// Entropy-constrained residual quantization: at every latent position, stage by stage, the value — one of the
/// stage's K codes, or in the last stage also a skip (nothing added, `SkipCoder`) — that minimises
///
///     ‖r − c‖² + λ · bits(c),
///
/// where r is what the earlier stages left of the latent and bits(c) is what the file's coder would spend on c
/// there, from its adaptive state after the positions before (`IndexCostModel`). Two slopes:
/// - the stages before the last (and the last, when it is whole) use a small fixed slope, `wholeStageSlope` times
///   the stage's mean squared code length, and no skips: a code a neighbour already holds is nearly free, so flat
///   regions keep one code where the nearest codes would alternate. Measured on six Kodak images: 9–20% fewer bits
///   for 0.01–0.4 dB, worth +0.27, +0.15 and +0.05 dB at the one-, two- and three-stage rates (Docs/BENCHMARKS.md).
/// - the last stage, when partial, adds the quality's slope and allows skips: as that slope grows it refines fewer
///   positions, those where a refinement pays most for its bits, down to none, so the rate moves continuously
///   between one stage count and the next.
///
/// Skips only in the last stage: the same choice with skips in every stage measured 0.2–0.3 dB worse on Kodak than
/// whole stages at the same rate (the decoder was trained on whole stages). Written here rather than taken from a
/// library: the rate term is this format's own coder.
struct RateDistortionQuantizer {
  let codebooks: [Codebook]
  /// The model's index histogram per stage, as the coder uses it (nil: none).
  let priors: [[UInt32]]?

  /// The slope of whole stages, in units of the stage's mean squared code length per bit.
  static let wholeStageSlope: Float = 0.01

  /// The grids of the first `count` stages coded whole (no skips), for `latents` (`height × width × D` row-major).
  func wholeStages(_ latents: [Float], height: Int, width: Int, count: Int) -> [[UInt16]] {
    precondition((0...codebooks.count).contains(count), "0...\(codebooks.count) stages")
    var residual = latents
    var grids: [[UInt16]] = []
    for stage in 0..<count {
      let grid = chooseStage(
        stage, residual: residual, height: height, width: width, previousStage: grids.last,
        slope: wholeStageSlope(stage), skipShare: nil)
      codebooks[stage].addCodes(grid.map(Int32.init), into: &residual, sign: -1)
      grids.append(grid)
    }
    return grids
  }

  /// The grid of the stage after the whole stages `whole` (a prefix of `wholeStages`), refining only part of the grid
  /// at the extra slope `lambda` > 0: K marks a skip.
  func partialStage(after whole: [[UInt16]], _ latents: [Float], height: Int, width: Int, lambda: Float) -> [UInt16] {
    let stage = whole.count
    precondition(stage < codebooks.count && lambda > 0, "a partial stage needs a stage and a positive slope")
    var residual = latents
    for (s, grid) in whole.enumerated() { codebooks[s].addCodes(grid.map(Int32.init), into: &residual, sign: -1) }
    let choose = { (share: UInt8) in
      chooseStage(
        stage, residual: residual, height: height, width: width, previousStage: whole.last,
        slope: wholeStageSlope(stage) + lambda, skipShare: share)
    }
    // The coder starts the skip's probability from the grid's share of skips: guess one, then use the first
    // choice's share for the choice that is kept.
    let first = choose(Self.initialSkipShare)
    return choose(
      SkipCoder.skipShare(for: first, width: width, codebookSize: codebooks[stage].codes, priorCounts: priors?[stage]))
  }

  private func wholeStageSlope(_ stage: Int) -> Float {
    Self.wholeStageSlope * Self.meanSquaredLength(of: codebooks[stage])
  }

  /// The mean squared length of a codebook's codes: the scale of the residuals its stage quantizes.
  static func meanSquaredLength(of codebook: Codebook) -> Float {
    codebook.embeddings.value.scalars.reduce(Float(0)) { $0 + $1 * $1 } / Float(codebook.codes)
  }

  /// A skip share of 64 starts a skip at about a third of the symbol model (frequency 8,193 beside 2^14).
  static let initialSkipShare: UInt8 = 64

  /// One stage's grid, position by position: the value with the least distortion + `slope` · bits; skips are
  /// among the values when `skipShare` is given (coder 3), not otherwise (coder 2's pricing).
  private func chooseStage(
    _ stage: Int, residual: [Float], height: Int, width: Int, previousStage: [UInt16]?, slope lambda: Float,
    skipShare: UInt8?
  ) -> [UInt16] {
    let codebook = codebooks[stage]
    let (k, d) = (codebook.codes, codebook.dimension)
    var rate = IndexCostModel(
      height: height, width: width, codebookSize: k, priorCounts: priors?[stage], previousStage: previousStage,
      skipShare: skipShare)
    let allowsSkips = rate.alphabetSize > k
    let table = codebook.embeddings.value.scalars
    let codeNorms = (0..<k).map { code in (0..<d).reduce(Float(0)) { $0 + table[code * d + $1] * table[code * d + $1] }
    }
    var bits = [Float](repeating: 0, count: rate.alphabetSize)
    table.withUnsafeBufferPointer { table in
      residual.withUnsafeBufferPointer { r in
        bits.withUnsafeMutableBufferPointer { bits in
          for position in 0..<(height * width) {
            rate.costs(into: bits)
            let row = position * d
            var norm: Float = 0
            for j in 0..<d { norm += r[row + j] * r[row + j] }
            var best = UInt16(k)  // the skip: distortion ‖r‖²
            var bestCost = allowsSkips ? norm + lambda * bits[k] : Float.infinity
            for code in 0..<k {
              var dot: Float = 0
              for j in 0..<d { dot += r[row + j] * table[code * d + j] }
              let cost = norm - 2 * dot + codeNorms[code] + lambda * bits[code]
              if cost < bestCost { (best, bestCost) = (UInt16(code), cost) }
            }
            rate.choose(best)
          }
        }
      }
    }
    return rate.grid
  }
}
