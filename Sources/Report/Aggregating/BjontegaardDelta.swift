import Foundation

/// Bjøntegaard's delta rate (VCEG-M33): how many more bits, in percent, one curve needs than another for the same
/// PSNR, averaged over the PSNR range both cover. Negative means fewer bits. As in current practice (VCEG-AL22,
/// JVET's common test conditions) log-rate is interpolated against PSNR by a piecewise cubic Hermite interpolant
/// with monotone (Fritsch–Carlson) slopes rather than one cubic through all points: it works from two points up
/// (our models have three operating points) and never overshoots between them. Its integral is exact.
public struct BjontegaardDelta: Equatable, Sendable {
  /// Percent: 100 · (10^(mean log10-rate difference) − 1).
  public let rate: Double
  /// The PSNR interval both curves cover, over which the difference is averaged.
  public let psnrRange: ClosedRange<Double>

  /// Nil when either curve has fewer than two usable points (distinct PSNRs, positive rates) or the PSNR ranges
  /// do not overlap.
  public init?(of test: [CurvePoint], against reference: [CurvePoint]) {
    guard let a = Self.logRateCurve(test), let b = Self.logRateCurve(reference) else { return nil }
    let low = max(a.x.first!, b.x.first!)
    let high = min(a.x.last!, b.x.last!)
    guard low < high else { return nil }
    let difference = (a.integral(from: low, to: high) - b.integral(from: low, to: high)) / (high - low)
    rate = 100 * (pow(10, difference) - 1)
    psnrRange = low...high
  }

  /// log10(bpp) as a function of PSNR; points with equal PSNR keep the lowest rate.
  private static func logRateCurve(_ points: [CurvePoint]) -> MonotoneCubic? {
    var byPSNR: [(x: Double, y: Double)] = []
    for p in points.sorted(by: { ($0.psnr, $0.bitsPerPixel) < ($1.psnr, $1.bitsPerPixel) })
    where p.bitsPerPixel > 0 && p.psnr.isFinite && p.psnr != byPSNR.last?.x {
      byPSNR.append((p.psnr, log10(p.bitsPerPixel)))
    }
    return byPSNR.count >= 2 ? MonotoneCubic(x: byPSNR.map(\.x), y: byPSNR.map(\.y)) : nil
  }
}

/// A piecewise cubic Hermite interpolant with Fritsch–Carlson slopes (those of SciPy's `PchipInterpolator`): on
/// each interval the cubic matching values and slopes at both ends, slopes chosen so that monotone data stays
/// monotone.
struct MonotoneCubic {
  /// Strictly increasing.
  let x: [Double]
  let y: [Double]
  let slopes: [Double]

  init(x: [Double], y: [Double]) {
    self.x = x
    self.y = y
    let h = zip(x.dropFirst(), x).map { $0 - $1 }
    let secants = h.indices.map { (y[$0 + 1] - y[$0]) / h[$0] }
    guard h.count > 1 else {
      slopes = [secants[0], secants[0]]
      return
    }
    var d = [Double](repeating: 0, count: x.count)
    for k in 1..<x.count - 1 where secants[k - 1] * secants[k] > 0 {
      let (w1, w2) = (2 * h[k] + h[k - 1], h[k] + 2 * h[k - 1])
      d[k] = (w1 + w2) / (w1 / secants[k - 1] + w2 / secants[k])
    }
    d[0] = Self.endSlope(h[0], h[1], secants[0], secants[1])
    d[x.count - 1] = Self.endSlope(h[h.count - 1], h[h.count - 2], secants[h.count - 1], secants[h.count - 2])
    slopes = d
  }

  /// The three-point end slope, kept from overshooting.
  private static func endSlope(_ h0: Double, _ h1: Double, _ s0: Double, _ s1: Double) -> Double {
    let d = ((2 * h0 + h1) * s0 - h0 * s1) / (h0 + h1)
    if d * s0 <= 0 { return 0 }
    if s0 * s1 < 0 && abs(d) > 3 * abs(s0) { return 3 * s0 }
    return d
  }

  /// ∫ from `low` to `high`, both inside `x.first!...x.last!`.
  func integral(from low: Double, to high: Double) -> Double {
    var total = 0.0
    for k in 0..<x.count - 1 {
      let (start, end) = (max(low, x[k]), min(high, x[k + 1]))
      if start < end { total += segmentAntiderivative(k, at: end) - segmentAntiderivative(k, at: start) }
    }
    return total
  }

  /// The antiderivative of interval `k`'s cubic, zero at `x[k]`: the Hermite basis functions integrated in
  /// t = (u − x[k]) / h.
  private func segmentAntiderivative(_ k: Int, at u: Double) -> Double {
    let h = x[k + 1] - x[k]
    let t = (u - x[k]) / h
    let (t2, t3, t4) = (t * t, t * t * t, t * t * t * t)
    let h00 = t4 / 2 - t3 + t
    let h10 = t4 / 4 - 2 * t3 / 3 + t2 / 2
    let h01 = -t4 / 2 + t3
    let h11 = t4 / 4 - t3 / 3
    return h * (h00 * y[k] + h10 * h * slopes[k] + h01 * y[k + 1] + h11 * h * slopes[k + 1])
  }
}
