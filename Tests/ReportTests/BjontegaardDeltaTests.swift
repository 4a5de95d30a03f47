import Foundation
import Testing

@testable import Report

/// BD-rate: exact answers where the interpolant is known, and SciPy's `PchipInterpolator` on real curves.
struct BjontegaardDeltaTests {
  static func curve(_ rates: [Double], _ psnrs: [Double]) -> [CurvePoint] {
    zip(rates, psnrs).map { CurvePoint(bitsPerPixel: $0, psnr: $1, msSSIM: nil) }
  }

  /// Rd_baseline.py's Kodak curves (JPEG and AVIF up to 0.6 bpp) and our shipped model's three points.
  static let ours = curve([0.0594, 0.1317, 0.2103], [23.72, 25.45, 25.96])
  static let jpeg = curve([0.142, 0.258, 0.361, 0.45, 0.61], [23.82, 26.66, 28.14, 29.14, 30.49])
  static let avif = curve([0.034, 0.11, 0.191, 0.31, 0.485], [24.12, 27.36, 29.18, 31.07, 33.13])

  @Test func aCurveScaledInRateGivesThatScale() throws {
    let scaled = Self.jpeg.map { CurvePoint(bitsPerPixel: 0.8 * $0.bitsPerPixel, psnr: $0.psnr, msSSIM: nil) }
    let delta = try #require(BjontegaardDelta(of: scaled, against: Self.jpeg))
    #expect(abs(delta.rate - -20) < 1e-9)
    #expect(delta.psnrRange == 23.82...30.49)
    #expect(abs(try #require(BjontegaardDelta(of: Self.jpeg, against: scaled)).rate - 25) < 1e-9)
  }

  /// Two points each: the interpolant is a straight line in log-rate, so the mean difference is the difference at
  /// the middle of the common range. Ours: log10 r = −1 + (p − 30)/10; reference: log10 r = −1.1 + (p − 30)/5,
  /// on 30...35: at 32.5 the difference is −0.75 + 0.6 = −0.15 → 10^−0.15 − 1 (−29%).
  @Test func twoPointCurvesAreLinearInLogRate() throws {
    let ours = Self.curve([0.1, pow(10, -0.5)], [30, 35])
    let reference = Self.curve([pow(10, -1.1), pow(10, -0.1)], [30, 35])
    let delta = try #require(BjontegaardDelta(of: ours, against: reference))
    #expect(abs(delta.rate - 100 * (pow(10, -0.15) - 1)) < 1e-9)
  }

  /// Values from SciPy 1.x: `PchipInterpolator(psnr, log10(bpp)).integrate(lo, hi)` for both curves over the
  /// common PSNR range, then 100 · (10^(mean difference) − 1).
  @Test func agreesWithSciPysMonotoneCubic() throws {
    let againstJPEG = try #require(BjontegaardDelta(of: Self.ours, against: Self.jpeg))
    #expect(abs(againstJPEG.rate - -44.64344813016522) < 1e-9)
    #expect(againstJPEG.psnrRange == 23.82...25.96)
    let againstAVIF = try #require(BjontegaardDelta(of: Self.ours, against: Self.avif))
    #expect(abs(againstAVIF.rate - 117.52498193722376) < 1e-9)
    #expect(abs(try #require(BjontegaardDelta(of: Self.jpeg, against: Self.avif)).rate - 188.92546132898138) < 1e-9)
  }

  @Test func undefinedWithoutACommonRangeOrTwoPoints() {
    let low = Self.curve([0.1, 0.2], [20, 22])
    let high = Self.curve([0.1, 0.2], [25, 27])
    #expect(BjontegaardDelta(of: low, against: high) == nil)
    #expect(BjontegaardDelta(of: Self.curve([0.1], [21]), against: low) == nil)
    #expect(BjontegaardDelta(of: Self.curve([0.1, 0.2], [21, 21]), against: low) == nil)
    #expect(BjontegaardDelta(of: Self.curve([0, 0.2], [20, 21]), against: low) == nil)
  }

  /// Monotone data stays monotone between the points: no overshoot past a neighbour's value.
  @Test func interpolantDoesNotOvershoot() {
    let cubic = MonotoneCubic(x: [0, 1, 2, 3], y: [0, 0, 1, 1])
    for step in 0...30 {
      let u = Double(step) / 10
      // The integral's derivative is the interpolant; a central difference reads it.
      let value = (cubic.integral(from: max(0, u - 1e-4), to: min(3, u + 1e-4))) / (min(3, u + 1e-4) - max(0, u - 1e-4))
      #expect(value >= -1e-9 && value <= 1 + 1e-9, "at \(u): \(value)")
    }
  }
}
