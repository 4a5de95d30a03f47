import Glibc

/// Mean SSIM and mean contrast-structure term of one channel, as
/// pytorch_msssim's `_ssim`: local statistics from an 11-tap σ = 1.5 Gaussian
/// applied separably with 'valid' filtering (vertical pass, then horizontal),
/// `C1 = (0.01·255)²`, `C2 = (0.03·255)²`, maps averaged over the valid region.
/// Both planes must have the same size, at least 11 per side.
func meanSSIM(_ x: SamplePlane, _ y: SamplePlane) -> (ssim: Double, contrastStructure: Double) {
  precondition(x.width == y.width && x.height == y.height)
  let taps = gaussianWindow.count
  let (width, height) = (x.width, x.height)
  precondition(width >= taps && height >= taps, "SSIM needs at least \(taps)×\(taps), got \(width)×\(height)")
  let c1 = (0.01 * 255.0) * (0.01 * 255.0)
  let c2 = (0.03 * 255.0) * (0.03 * 255.0)
  let outHeight = height - taps + 1
  let outWidth = width - taps + 1

  // Vertical pass: the five filtered moments E[x], E[y], E[x²], E[y²], E[xy],
  // each outHeight × width, stored one after another in `columns`.
  let planeSize = outHeight * width
  var columns = [Double](repeating: 0, count: 5 * planeSize)
  columns.withUnsafeMutableBufferPointer { moments in
    x.samples.withUnsafeBufferPointer { xs in
      y.samples.withUnsafeBufferPointer { ys in
        for row in 0..<outHeight {
          let out = row * width
          for tap in 0..<taps {
            let weight = gaussianWindow[tap]
            let source = (row + tap) * width
            for column in 0..<width {
              let xv = xs[source + column]
              let yv = ys[source + column]
              moments[out + column] += weight * xv
              moments[planeSize + out + column] += weight * yv
              moments[2 * planeSize + out + column] += weight * xv * xv
              moments[3 * planeSize + out + column] += weight * yv * yv
              moments[4 * planeSize + out + column] += weight * xv * yv
            }
          }
        }
      }
    }
  }

  // Horizontal pass fused with the SSIM formula, so only the sums are kept.
  var ssimSum = 0.0
  var contrastStructureSum = 0.0
  columns.withUnsafeBufferPointer { moments in
    gaussianWindow.withUnsafeBufferPointer { window in
      for row in 0..<outHeight {
        for column in 0..<outWidth {
          var (meanX, meanY, meanXX, meanYY, meanXY) = (0.0, 0.0, 0.0, 0.0, 0.0)
          let start = row * width + column
          for tap in 0..<taps {
            let weight = window[tap]
            meanX += weight * moments[start + tap]
            meanY += weight * moments[planeSize + start + tap]
            meanXX += weight * moments[2 * planeSize + start + tap]
            meanYY += weight * moments[3 * planeSize + start + tap]
            meanXY += weight * moments[4 * planeSize + start + tap]
          }
          let varianceX = meanXX - meanX * meanX
          let varianceY = meanYY - meanY * meanY
          let covariance = meanXY - meanX * meanY
          let contrastStructure = (2 * covariance + c2) / (varianceX + varianceY + c2)
          let luminance = (2 * meanX * meanY + c1) / (meanX * meanX + meanY * meanY + c1)
          contrastStructureSum += contrastStructure
          ssimSum += luminance * contrastStructure
        }
      }
    }
  }
  let count = Double(outHeight * outWidth)
  return (ssimSum / count, contrastStructureSum / count)
}

/// pytorch_msssim's `_fspecial_gauss_1d(11, 1.5)`: exp(−d²/2σ²) for
/// d = −5...5, normalised to sum 1.
let gaussianWindow: [Double] = {
  let sigma = 1.5
  let raw = (-5...5).map { exp(-Double($0 * $0) / (2 * sigma * sigma)) }
  let total = raw.reduce(0, +)
  return raw.map { $0 / total }
}()
