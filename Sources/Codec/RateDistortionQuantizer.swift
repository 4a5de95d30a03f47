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

  /// The index grids (one per stage, `height × width` row-major; K marks a skip) for `latents` (`height × width × D`
  /// row-major) over the first `stages` codebooks, the last one partial at the extra slope `lambda` (0: whole). A
  /// last stage that skips everywhere is left out (unless it is the only one).
  func indices(for latents: [Float], height: Int, width: Int, stages: Int, lambda: Float) -> [[UInt16]] {
    precondition((1...codebooks.count).contains(stages), "1...\(codebooks.count) stages")
    precondition(lambda >= 0, "the slope λ is not negative")
    var residual = latents
    var grids: [[UInt16]] = []
    for stage in 0..<stages {
      let codebook = codebooks[stage]
      let isPartial = stage == stages - 1 && lambda > 0
      let slope = Self.wholeStageSlope * Self.meanSquaredLength(of: codebook) + (isPartial ? lambda : 0)
      let choose = { (share: UInt8) in
        chooseStage(
          codebook, residual: residual, height: height, width: width, prior: self.priors?[stage],
          previousStage: grids.last, skipShare: share, lambda: slope, allowsSkips: isPartial)
      }
      let grid: [UInt16]
      if isPartial {
        // The coder starts the skip's probability from the grid's share of skips: guess one, then use the first
        // choice's share for the choice that is kept.
        let first = choose(Self.initialSkipShare)
        grid = choose(
          IndexCostModel.skipShare(for: first, width: width, codebookSize: codebook.codes, priorCounts: priors?[stage]))
      } else {
        grid = choose(0)  // no skips: coders 0–2 will code it, and the cost model's skip share does not matter
      }
      var codes = [Float](repeating: 0, count: residual.count)
      codebook.addCodes(grid.map(Int32.init), into: &codes)
      for i in residual.indices { residual[i] -= codes[i] }
      grids.append(grid)
    }
    let skip = SkipCoder.skipValue(codebookSize: codebooks[0].codes)
    if grids.count > 1 && grids.last!.allSatisfy({ $0 == skip }) { grids.removeLast() }
    return grids
  }

  /// The mean squared length of a codebook's codes: the scale of the residuals its stage quantizes.
  static func meanSquaredLength(of codebook: Codebook) -> Float {
    codebook.embeddings.value.scalars.reduce(Float(0)) { $0 + $1 * $1 } / Float(codebook.codes)
  }

  /// A skip share of 64 starts a skip at about a third of the symbol model (frequency 8,193 beside 2^14).
  static let initialSkipShare: UInt8 = 64

  private func chooseStage(
    _ codebook: Codebook, residual: [Float], height: Int, width: Int, prior: [UInt32]?, previousStage: [UInt16]?,
    skipShare: UInt8, lambda: Float, allowsSkips: Bool
  ) -> [UInt16] {
    let (k, d) = (codebook.codes, codebook.dimension)
    var rate = IndexCostModel(
      height: height, width: width, codebookSize: k, priorCounts: prior, previousStage: previousStage,
      skipShare: skipShare)
    let table = codebook.embeddings.value.scalars
    let codeNorms = (0..<k).map { code in (0..<d).reduce(Float(0)) { $0 + table[code * d + $1] * table[code * d + $1] }
    }
    var bits = [Float](repeating: 0, count: k + 1)
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
