import Testing

@testable import Tensors

/// `im2col` and the col2im paths against element-by-element loops written out here: the copy is exact, and each
/// output element receives its terms in the order of the written-out loop (tap row, small-grid column, tap column),
/// so the sums are the same bits. Geometries cover strides 1 and 2, padding at every border, and runs of taps cut
/// by the image's edge.
struct Im2ColTests {
  static let geometries = [
    ConvGeometry(n: 2, h: 7, w: 9, c: 3, kernelHeight: 4, kernelWidth: 4, stride: 2, padding: 1),
    ConvGeometry(n: 1, h: 6, w: 5, c: 8, kernelHeight: 3, kernelWidth: 3, stride: 1, padding: 1),
    ConvGeometry(n: 2, h: 5, w: 130, c: 3, kernelHeight: 4, kernelWidth: 4, stride: 2, padding: 1),
    ConvGeometry(n: 2, h: 5, w: 4, c: 2, kernelHeight: 3, kernelWidth: 5, stride: 1, padding: 2),
    // Banded in `addCol2imOfProduct` (65 small-grid pixels × 1024 floats a row ≥ `ColumnBands.minimumRowFloats`).
    ConvGeometry(n: 1, h: 6, w: 130, c: 64, kernelHeight: 4, kernelWidth: 4, stride: 2, padding: 1),
  ]

  @Test(arguments: geometries)
  func im2colCopiesEveryTapOrZero(_ g: ConvGeometry) {
    let x = randomTensor([g.n, g.h, g.w, g.c], seed: 1).scalars
    var col = [Float](repeating: .nan, count: g.rows * g.patchSize)
    x.withUnsafeBufferPointer { x in
      col.withUnsafeMutableBufferPointer { im2col(x.baseAddress!, g, into: $0.baseAddress!) }
    }
    var expected: [Float] = []
    for b in 0..<g.n {
      for oy in 0..<g.outHeight {
        for ox in 0..<g.outWidth {
          for ky in 0..<g.kernelHeight {
            for kx in 0..<g.kernelWidth {
              let (iy, ix) = (oy * g.stride - g.padding + ky, ox * g.stride - g.padding + kx)
              let inside = iy >= 0 && iy < g.h && ix >= 0 && ix < g.w
              for c in 0..<g.c { expected.append(inside ? x[((b * g.h + iy) * g.w + ix) * g.c + c] : 0) }
            }
          }
        }
      }
    }
    #expect(col.map(\.bitPattern) == expected.map(\.bitPattern))
  }

  /// `col2im` against the written-out sum, bit for bit; so is `addCol2imOfProduct` where it gathers (one GEMM, then
  /// `col2im`). Where it works in bands (the last geometry) it adds each band's terms band by band, another fixed
  /// order: there the sums agree to rounding.
  @Test(arguments: geometries)
  func col2imPathsAddInTheWrittenOutOrder(_ g: ConvGeometry) {
    let k = 5
    let a = randomTensor([g.rows, k], seed: 2).scalars
    let b = randomTensor([g.patchSize, k], seed: 3).scalars
    let start = randomTensor([g.n, g.h, g.w, g.c], seed: 4).scalars
    var col = [Float](repeating: 0, count: g.rows * g.patchSize)
    gemm(a, b, into: &col, m: g.rows, n: g.patchSize, k: k, transposeB: true, accumulate: false)
    var expected = start
    for ky in 0..<g.kernelHeight {
      for r in 0..<(g.n * g.h) {
        let (image, iy) = r.quotientAndRemainder(dividingBy: g.h)
        let t = iy + g.padding - ky
        guard t >= 0, t % g.stride == 0, t / g.stride < g.outHeight else { continue }
        for ox in 0..<g.outWidth {
          for kx in 0..<g.kernelWidth {
            let ix = ox * g.stride - g.padding + kx
            guard ix >= 0 && ix < g.w else { continue }
            for c in 0..<g.c {
              let source = ((image * g.outHeight + t / g.stride) * g.outWidth + ox) * g.patchSize
              expected[(r * g.w + ix) * g.c + c] += col[source + (ky * g.kernelWidth + kx) * g.c + c]
            }
          }
        }
      }
    }
    // The written-out loop takes tap rows outermost; per element that is col2im's order (its rows are independent).
    var gathered = start
    col.withUnsafeBufferPointer { col in
      gathered.withUnsafeMutableBufferPointer { col2im(col.baseAddress!, g, addingInto: $0.baseAddress!) }
    }
    var product = start
    a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        product.withUnsafeMutableBufferPointer {
          addCol2imOfProduct(a.baseAddress!, b.baseAddress!, depth: k, g, into: $0.baseAddress!)
        }
      }
    }
    #expect(gathered.map(\.bitPattern) == expected.map(\.bitPattern))
    if g.outWidth * g.patchSize < ColumnBands.minimumRowFloats {
      #expect(product.map(\.bitPattern) == expected.map(\.bitPattern))
    } else {
      #expect(zip(product, expected).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) })
    }
  }
}
