/// A stride-1 convolution without im2col: `KH` GEMMs over shifted views of a zero-padded NHWC buffer.
///
/// In the padded input `[N·(H+2p), W+2p, C]` (images stacked), the `KW` taps of kernel row `ky` for output
/// pixel `(oy, ox)` are one contiguous run of `KW·C` floats, and consecutive pixels' runs start `C` floats apart. So,
/// computing outputs on the padded grid (a "wide" output row of `W+2p` pixels, of which the last `KW−1` are junk,
/// plus `KH−1` junk rows between stacked images), kernel row `ky` is one GEMM whose A is the padded input read in
/// place with row stride `C`; the `KH` GEMMs accumulate in order. Each output element is then the same fused chain
/// over `(ky, kx, c)` as the im2col GEMM's, bit for bit, without writing and reading a column matrix `KH·KW` times
/// the input's size.
///
/// Junk rows and columns cost `wideRows / rows` extra work: small on inference-sized images, which is why
/// training's small crops keep im2col.
///
/// Tried and dropped: the encoder's 4×4 stride-2 convolutions as 2×2 stride-1 ones on a space-to-depth view
/// (109 GFLOP/s against im2col's 135 on 64→128 at 128×192), and the decoder's stride-2 transposed convolutions as
/// four sub-pixel 2×2 convolutions (slower than GEMM + col2im); Docs/PERFORMANCE.md.
struct ShiftedConvolution {
  let g: ConvGeometry
  /// `max(·, 0)` applied to the input as it is padded, and to the output as it is copied out.
  var reluInput = false
  var reluOutput = false

  /// The padded input: rows and columns per image.
  var height: Int { g.h + 2 * g.padding }
  var width: Int { g.w + 2 * g.padding }

  /// Rows of the wide output, junk included: every stacked row but the last `KH−1`, less the last `KW−1` pixels,
  /// whose taps would run past the buffer.
  var wideRows: Int { (g.n * height - g.kernelHeight + 1) * width - (g.kernelWidth - 1) }

  /// Extra multiply-adds of the wide grid relative to the real output.
  var overhead: Double { Double(wideRows) / Double(g.rows) }

  /// `y = bias + conv(x, weight)` for `x [N, H, W, C]`, `weight [KH, KW, C, O]`; writes `y [N, OH, OW, O]`.
  ///
  /// Each task takes chunks of wide rows small enough that the chunk's output stays in cache across the `KH`
  /// GEMMs, then copies its real pixels out: the output goes to memory once, not `KH` times.
  func forward(
    _ x: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?, outChannels o: Int,
    into y: UnsafeMutablePointer<Float>
  ) {
    let input = zeroPadded(x)
    let depth = g.kernelWidth * g.c
    let chunkRows = max(12, min(Self.chunkFloats / o, wideRows / 8) / 12 * 12)
    let chunks = (wideRows + chunkRows - 1) / chunkRows
    input.withUnsafeBufferPointer { input in
      parallelFor(chunks) { start, end in
        var wide = uninitializedFloats(chunkRows * o)
        wide.withUnsafeMutableBufferPointer { wide in
          for chunk in start..<end {
            let first = chunk * chunkRows
            let rows = min(chunkRows, wideRows - first)
            for ky in 0..<g.kernelHeight {  // the first kernel row's sums start from the bias
              sgemm(
                m: rows, n: o, k: depth, a: input.baseAddress! + (first + ky * width) * g.c, lda: g.c,
                b: weight + ky * depth * o, ldb: o, accumulate: ky > 0, bias: ky == 0 ? bias : nil,
                c: wide.baseAddress!, ldc: o, threaded: false)
            }
            copyRealPixels(wide.baseAddress!, wideRows: first..<(first + rows), outChannels: o, into: y)
          }
        }
      }
    }
  }

  /// Output floats per chunk: 512 KiB, half a core's L2.
  static let chunkFloats = 1 << 17

  /// `x` with `p` zero rows and columns around every image, images stacked. Each padded row is written once, by
  /// the thread that owns it: its zeros and its copy (a zero fill of the whole buffer first had been a serial pass
  /// over 12 MB per decoder convolution).
  private func zeroPadded(_ x: UnsafePointer<Float>) -> [Float] {
    let (p, rowFloats) = (g.padding, width * g.c)
    var out = uninitializedFloats(g.n * height * rowFloats)
    out.withUnsafeMutableBufferPointer { out in
      let out = out.baseAddress!
      parallelFor(g.n * height, minimumPerChunk: 8) { start, end in
        for r in start..<end {
          let (b, py) = r.quotientAndRemainder(dividingBy: height)
          let (row, iy) = (out + r * rowFloats, py - p)
          guard (0..<g.h).contains(iy) else {
            row.update(repeating: 0, count: rowFloats)
            continue
          }
          row.update(repeating: 0, count: p * g.c)
          copy(x + (b * g.h + iy) * g.w * g.c, to: row + p * g.c, count: g.w * g.c, relu: reluInput)
          (row + (p + g.w) * g.c).update(repeating: 0, count: (width - p - g.w) * g.c)
        }
      }
    }
    return out
  }

  /// Copies the real pixels among wide rows `rows` (held from `wide`) to their places in `y`.
  private func copyRealPixels(
    _ wide: UnsafePointer<Float>, wideRows rows: Range<Int>, outChannels o: Int, into y: UnsafeMutablePointer<Float>
  ) {
    let (oh, ow) = (g.outHeight, g.outWidth)
    var row = rows.lowerBound
    while row < rows.upperBound {
      let (stacked, column) = row.quotientAndRemainder(dividingBy: width)
      let run = min(width - column, rows.upperBound - row)
      let (image, oy) = stacked.quotientAndRemainder(dividingBy: height)
      if oy < oh && column < ow {
        let count = min(run, ow - column)
        copy(
          wide + (row - rows.lowerBound) * o, to: y + ((image * oh + oy) * ow + column) * o, count: count * o,
          relu: reluOutput)
      }
      row += run
    }
  }

  private func copy(_ source: UnsafePointer<Float>, to destination: UnsafeMutablePointer<Float>, count: Int, relu: Bool)
  {
    destination.update(from: source, count: count)
    if relu { clampBelowZero(destination, count: count) }
  }
}
