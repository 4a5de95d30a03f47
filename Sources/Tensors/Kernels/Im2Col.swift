/// The geometry of a 2-D convolution over NHWC input: `[n, h, w, c]` in, `[n, outHeight, outWidth, ·]` out.
public struct ConvGeometry: Equatable, Sendable {
  public let n, h, w, c: Int
  public let kernelHeight, kernelWidth, stride, padding: Int

  public init(n: Int, h: Int, w: Int, c: Int, kernelHeight: Int, kernelWidth: Int, stride: Int, padding: Int) {
    precondition(stride >= 1 && padding >= 0 && kernelHeight >= 1 && kernelWidth >= 1, "bad convolution geometry")
    (self.n, self.h, self.w, self.c) = (n, h, w, c)
    (self.kernelHeight, self.kernelWidth, self.stride, self.padding) = (kernelHeight, kernelWidth, stride, padding)
    precondition(outHeight >= 1 && outWidth >= 1, "kernel \(kernelHeight)×\(kernelWidth) larger than padded input \(h)×\(w)")
  }

  public var outHeight: Int { (h + 2 * padding - kernelHeight) / stride + 1 }
  public var outWidth: Int { (w + 2 * padding - kernelWidth) / stride + 1 }
  /// Rows of the column matrix: one per output pixel.
  public var rows: Int { n * outHeight * outWidth }
  /// Columns of the column matrix: one per (ky, kx, channel).
  public var patchSize: Int { kernelHeight * kernelWidth * c }
  /// A 1×1, stride-1, unpadded convolution reads the input as its own column matrix.
  public var isPointwise: Bool { kernelHeight == 1 && kernelWidth == 1 && stride == 1 && padding == 0 }
}

/// Copies every receptive field into one row: `col[(n, oy, ox), (ky, kx, c)] = x[n, oy·s − p + ky, ox·s − p + kx, c]`,
/// zero outside the image. In NHWC each (ky, kx) tap is one contiguous run of `c` floats.
func im2col(_ x: UnsafePointer<Float>, _ g: ConvGeometry, into col: UnsafeMutablePointer<Float>) {
  let (oh, ow, c, kh, kw) = (g.outHeight, g.outWidth, g.c, g.kernelHeight, g.kernelWidth)
  let patch = g.patchSize
  parallelFor(g.n * oh, minimumPerChunk: 8) { start, end in
    for r in start..<end {
      let (b, oy) = r.quotientAndRemainder(dividingBy: oh)
      for ox in 0..<ow {
        let dst = col + (r * ow + ox) * patch
        for ky in 0..<kh {
          let iy = oy * g.stride - g.padding + ky
          for kx in 0..<kw {
            let ix = ox * g.stride - g.padding + kx
            let d = dst + (ky * kw + kx) * c
            if iy < 0 || iy >= g.h || ix < 0 || ix >= g.w {
              d.update(repeating: 0, count: c)
            } else {
              d.update(from: x + ((b * g.h + iy) * g.w + ix) * c, count: c)
            }
          }
        }
      }
    }
  }
}

/// The adjoint of `im2col`: adds each column-matrix entry back onto the pixel it was copied from.
/// Written as a gather per input row, so parallel chunks never write the same pixel.
func col2im(_ col: UnsafePointer<Float>, _ g: ConvGeometry, addingInto x: UnsafeMutablePointer<Float>) {
  let (oh, ow, c, kh, kw, s, p) = (g.outHeight, g.outWidth, g.c, g.kernelHeight, g.kernelWidth, g.stride, g.padding)
  let patch = g.patchSize
  parallelFor(g.n * g.h, minimumPerChunk: 4) { start, end in
    for r in start..<end {
      let (b, iy) = r.quotientAndRemainder(dividingBy: g.h)
      let rowOut = x + (b * g.h + iy) * g.w * c
      for ky in 0..<kh {
        let t = iy + p - ky
        if t < 0 || t % s != 0 { continue }
        let oy = t / s
        if oy >= oh { continue }
        for ox in 0..<ow {
          let src = col + ((b * oh + oy) * ow + ox) * patch + ky * kw * c
          for kx in 0..<kw {
            let ix = ox * s - p + kx
            if ix < 0 || ix >= g.w { continue }
            let d = rowOut + ix * c
            let sp = src + kx * c
            for i in 0..<c { d[i] += sp[i] }
          }
        }
      }
    }
  }
}
