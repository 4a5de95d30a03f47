/// The geometry of a 2-D convolution over NHWC input: `[n, h, w, c]` in, `[n, outHeight, outWidth, ·]` out.
public struct ConvGeometry: Equatable, Sendable {
  public let n, h, w, c: Int
  public let kernelHeight, kernelWidth, stride, padding: Int

  public init(n: Int, h: Int, w: Int, c: Int, kernelHeight: Int, kernelWidth: Int, stride: Int, padding: Int) {
    precondition(stride >= 1 && padding >= 0 && kernelHeight >= 1 && kernelWidth >= 1, "bad convolution geometry")
    (self.n, self.h, self.w, self.c) = (n, h, w, c)
    (self.kernelHeight, self.kernelWidth, self.stride, self.padding) = (kernelHeight, kernelWidth, stride, padding)
    precondition(
      outHeight >= 1 && outWidth >= 1, "kernel \(kernelHeight)×\(kernelWidth) larger than padded input \(h)×\(w)")
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
/// zero outside the image. In NHWC the taps of one kernel row that fall inside the image are one contiguous run of
/// input (consecutive pixels), copied at once: with 3 channels a run of 4 taps is 12 floats, not four copies of 3.
func im2col(_ x: UnsafePointer<Float>, _ g: ConvGeometry, into col: UnsafeMutablePointer<Float>) {
  let (oh, ow, c, kh, kw) = (g.outHeight, g.outWidth, g.c, g.kernelHeight, g.kernelWidth)
  let patch = g.patchSize
  parallelFor(g.n * oh, minimumPerChunk: 8) { start, end in
    for r in start..<end {
      let (b, oy) = r.quotientAndRemainder(dividingBy: oh)
      for ox in 0..<ow {
        let dst = col + (r * ow + ox) * patch
        let taps = g.tapsInside(column: ox)
        let firstColumn = ox * g.stride - g.padding
        for ky in 0..<kh {
          let iy = oy * g.stride - g.padding + ky
          let d = dst + ky * kw * c
          if iy < 0 || iy >= g.h || taps.isEmpty {
            d.update(repeating: 0, count: kw * c)
            continue
          }
          d.update(repeating: 0, count: taps.lowerBound * c)
          (d + taps.lowerBound * c).update(
            from: x + ((b * g.h + iy) * g.w + firstColumn + taps.lowerBound) * c, count: taps.count * c)
          (d + taps.upperBound * c).update(repeating: 0, count: (kw - taps.upperBound) * c)
        }
      }
    }
  }
}

extension ConvGeometry {
  /// The taps `kx` of small-grid column `ox` that fall inside the image: `0 ≤ ox·s − p + kx < w`.
  @inline(__always) func tapsInside(column ox: Int) -> Range<Int> {
    let first = ox * stride - padding
    let lower = min(kernelWidth, max(0, -first))
    return lower..<max(lower, min(kernelWidth, w - first))
  }
}

/// `y[i] += x[i]` for `count` floats: the taps of one kernel row onto consecutive pixels, one add per element, so the
/// order in which each element receives its terms is the caller's loop order.
@inline(__always) private func addRun(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
  for i in 0..<count { y[i] += x[i] }
}

/// `y += col2im(a · bᵀ)` for `a [g.rows, k]` and `b [g.patchSize, k]`: the product's row for small-grid pixel
/// `(n, oy', ox')` holds one `C`-run per tap `(ky, kx)`, added onto pixel `(oy'·s − p + ky, ox'·s − p + kx)` of
/// `y [N, H, W, C]`. This is a transposed convolution's forward pass and a convolution's input gradient.
///
/// When a small-grid row's product is large (the decoder's 4×4 128→64 layer: 192 · 1024 floats a row, 100 MB in
/// all at 768×512), writing it to memory and reading it back costs more than the arithmetic: then each task
/// multiplies a band of a few rows into its own buffer, sized to stay in cache, and adds it onto `y` at once.
/// Bands two apart never touch the same output row, so the even bands run in parallel, then the odd ones: every
/// output pixel receives its terms in one fixed order (phase, band, then pixel and tap within the band) whatever
/// the thread count. Smaller products (training's crops, 3-channel layers) run as one threaded GEMM and a
/// parallel gather (`col2im`), which measured faster there.
///
/// `relu` then applies `max(·, 0)` to each output row as soon as its sum is complete (a transposed convolution
/// followed by a ReLU, without another pass over the output). `zeroFirst`: `y` is uninitialized and the sums start
/// from zero.
func addCol2imOfProduct(
  _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, depth k: Int, _ g: ConvGeometry,
  into y: UnsafeMutablePointer<Float>, relu: Bool = false, zeroFirst: Bool = false
) {
  let (ow, patch) = (g.outWidth, g.patchSize)
  if ow * patch < ColumnBands.minimumRowFloats {
    var col = uninitializedFloats(g.rows * patch)
    col.withUnsafeMutableBufferPointer { col in
      sgemm(
        transposeB: true, m: g.rows, n: patch, k: k, a: a, lda: k, b: b, ldb: k, accumulate: false,
        c: col.baseAddress!, ldc: patch)
      col2im(col.baseAddress!, g, addingInto: y, relu: relu, zeroFirst: zeroFirst)
    }
    return
  }
  if zeroFirst { y.update(repeating: 0, count: g.n * g.h * g.w * g.c) }
  let rows = g.n * g.outHeight  // small-grid rows of all images, stacked
  // Band b touches output rows up to its last row·s − p + KH − 1, band b+2 from its first row·s − p: apart when
  // bandRows·s ≥ KH − s, i.e. bandRows ≥ ⌈KH/s⌉ − 1 = ⌊(KH − 1)/s⌋. At least 16 bands keep both phases busy.
  // The band size depends on the geometry only, never on the thread count: it decides the order of the sums.
  let minimumRows = max(1, (g.kernelHeight - 1) / g.stride)
  let bandRows = max(minimumRows, min(ColumnBands.targetFloats / max(1, ow * patch), rows / 16))
  let bands = (rows + bandRows - 1) / bandRows
  for phase in 0..<2 {
    parallelFor((bands - phase + 1) / 2) { start, end in
      var band = uninitializedFloats(bandRows * ow * patch)
      band.withUnsafeMutableBufferPointer { band in
        for t in start..<end {
          let first = (2 * t + phase) * bandRows
          let count = min(bandRows, rows - first)
          sgemm(
            transposeB: true, m: count * ow, n: patch, k: k, a: a + first * ow * k, lda: k, b: b, ldb: k,
            accumulate: false, c: band.baseAddress!, ldc: patch, threaded: false)
          scatterAdd(band.baseAddress!, rows: first..<(first + count), g, into: y)
          if relu {
            // Odd bands run last: every row they touch is complete. An even band's rows are complete unless an
            // odd neighbour also touches them.
            let neighbours = phase == 0 ? bandRows : 0
            completedRows(of: first..<(first + count), excludingNeighbours: neighbours, g) { image, rows in
              clampBelowZero(y + (image * g.h + rows.lowerBound) * g.w * g.c, count: rows.count * g.w * g.c)
            }
          }
        }
      }
    }
  }
}

enum ColumnBands {
  /// How large a band's product may grow: 2 MiB of floats, which stays in a core's L2 or the shared L3.
  static let targetFloats = 1 << 19
  /// Products with fewer floats per small-grid row are not banded (measured: the decoder's 64→3 layer, 18 K floats
  /// a row, ran 13 ms unbanded and 16 ms banded; its 128→64 layer, 196 K, 41 ms and 36 ms).
  static let minimumRowFloats = 1 << 16
}

/// The output rows touched by stacked small-grid rows `rows`, per image, less those that the `neighbours` small-grid
/// rows on either side (in the same image) also touch.
private func completedRows(
  of rows: Range<Int>, excludingNeighbours neighbours: Int, _ g: ConvGeometry, _ body: (Int, Range<Int>) -> Void
) {
  let (oh, s, p, kh) = (g.outHeight, g.stride, g.padding, g.kernelHeight)
  func touched(_ local: Range<Int>) -> Range<Int> {
    max(0, local.lowerBound * s - p)..<min(g.h, (local.upperBound - 1) * s - p + kh)
  }
  var start = rows.lowerBound
  while start < rows.upperBound {
    let image = start / oh
    let end = min(rows.upperBound, (image + 1) * oh)
    var out = touched((start - image * oh)..<(end - image * oh))
    if neighbours > 0 && start == rows.lowerBound && start > image * oh {
      let before = touched((max(image * oh, start - neighbours) - image * oh)..<(start - image * oh))
      out = max(out.lowerBound, before.upperBound)..<max(out.upperBound, before.upperBound)
    }
    if neighbours > 0 && end == rows.upperBound && end < (image + 1) * oh {
      let after = touched((end - image * oh)..<(min((image + 1) * oh, end + neighbours) - image * oh))
      out = out.lowerBound..<max(out.lowerBound, min(out.upperBound, after.lowerBound))
    }
    if !out.isEmpty { body(image, out) }
    start = end
  }
}

/// Adds the product rows of stacked small-grid rows `rows` onto their output pixels.
private func scatterAdd(
  _ band: UnsafePointer<Float>, rows: Range<Int>, _ g: ConvGeometry, into y: UnsafeMutablePointer<Float>
) {
  let (ow, c, kh, kw, s, p) = (g.outWidth, g.c, g.kernelHeight, g.kernelWidth, g.stride, g.padding)
  for row in rows {
    let (image, oyIn) = row.quotientAndRemainder(dividingBy: g.outHeight)
    for oxIn in 0..<ow {
      let src = band + ((row - rows.lowerBound) * ow + oxIn) * g.patchSize
      let taps = g.tapsInside(column: oxIn)
      for ky in 0..<kh {
        let oy = oyIn * s - p + ky
        if oy < 0 || oy >= g.h { continue }
        let d = y + ((image * g.h + oy) * g.w + oxIn * s - p + taps.lowerBound) * c
        addRun(src + (ky * kw + taps.lowerBound) * c, into: d, count: taps.count * c)
      }
    }
  }
}

/// The adjoint of `im2col`: adds each column-matrix entry back onto the pixel it was copied from.
/// Written as a gather per input row, so parallel chunks never write the same pixel. `zeroFirst`: `x` is
/// uninitialized, and each row is zeroed by its thread just before its sums (cheaper than a separate pass).
func col2im(
  _ col: UnsafePointer<Float>, _ g: ConvGeometry, addingInto x: UnsafeMutablePointer<Float>, relu: Bool = false,
  zeroFirst: Bool = false
) {
  let (oh, ow, c, kh, kw, s, p) = (g.outHeight, g.outWidth, g.c, g.kernelHeight, g.kernelWidth, g.stride, g.padding)
  let patch = g.patchSize
  parallelFor(g.n * g.h, minimumPerChunk: 4) { start, end in
    for r in start..<end {
      let (b, iy) = r.quotientAndRemainder(dividingBy: g.h)
      let rowOut = x + (b * g.h + iy) * g.w * c
      if zeroFirst { rowOut.update(repeating: 0, count: g.w * c) }
      for ky in 0..<kh {
        let t = iy + p - ky
        if t < 0 || t % s != 0 { continue }
        let oy = t / s
        if oy >= oh { continue }
        for ox in 0..<ow {
          let src = col + ((b * oh + oy) * ow + ox) * patch + ky * kw * c
          let taps = g.tapsInside(column: ox)
          addRun(src + taps.lowerBound * c, into: rowOut + (ox * s - p + taps.lowerBound) * c, count: taps.count * c)
        }
      }
      if relu { clampBelowZero(rowOut, count: g.w * c) }  // the row's sum is complete
    }
  }
}
