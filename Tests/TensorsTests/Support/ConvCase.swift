import Tensors
import Testing

/// One convolution geometry for parameterized tests: input `[n, h, w, c]`, kernel `kh×kw`, `o` output channels.
struct ConvCase: Sendable, CustomTestStringConvertible {
  let n, h, w, c, kh, kw, o, stride, padding: Int
  var testDescription: String { "x[\(n),\(h),\(w),\(c)] k\(kh)×\(kw) o\(o) s\(stride) p\(padding)" }

  init(n: Int = 1, h: Int, w: Int, c: Int, kh: Int, kw: Int, o: Int, stride: Int = 1, padding: Int = 0) {
    (self.n, self.h, self.w, self.c, self.kh, self.kw, self.o, self.stride, self.padding) =
      (n, h, w, c, kh, kw, o, stride, padding)
  }

  /// Awkward shapes for fast-vs-naive: pointwise, padded 1×1, 3×3 p1, 4×4 s2 p1, KH≠KW, stride 2 and 3,
  /// padding 0/1/2, H≠W, batch 3, odd channel counts, a kernel as large as the padded input.
  static let awkward: [ConvCase] = [
    ConvCase(n: 3, h: 5, w: 7, c: 3, kh: 1, kw: 1, o: 5),
    ConvCase(n: 2, h: 5, w: 6, c: 3, kh: 1, kw: 1, o: 2, stride: 2),
    ConvCase(n: 1, h: 3, w: 4, c: 5, kh: 1, kw: 1, o: 3, padding: 1),
    ConvCase(n: 3, h: 5, w: 7, c: 3, kh: 3, kw: 3, o: 4, padding: 1),
    ConvCase(n: 2, h: 7, w: 5, c: 1, kh: 3, kw: 3, o: 3, stride: 2),
    ConvCase(n: 2, h: 6, w: 7, c: 5, kh: 4, kw: 4, o: 3, stride: 2, padding: 1),
    ConvCase(n: 1, h: 4, w: 6, c: 3, kh: 2, kw: 3, o: 5),
    ConvCase(n: 3, h: 7, w: 5, c: 2, kh: 3, kw: 2, o: 3, stride: 2, padding: 1),
    ConvCase(n: 1, h: 7, w: 5, c: 2, kh: 3, kw: 3, o: 4, stride: 3, padding: 2),
    ConvCase(n: 2, h: 7, w: 7, c: 3, kh: 3, kw: 3, o: 1, stride: 3),
    ConvCase(n: 1, h: 5, w: 4, c: 3, kh: 5, kw: 5, o: 2, padding: 2),
    ConvCase(n: 2, h: 1, w: 2, c: 3, kh: 3, kw: 3, o: 2, padding: 1),
    ConvCase(n: 1, h: 6, w: 5, c: 4, kh: 2, kw: 2, o: 3, stride: 2),
  ]

  /// Smaller geometries for finite differences (every coordinate is checked, so keep them tiny).
  static let forGradients: [ConvCase] = [
    ConvCase(n: 2, h: 5, w: 5, c: 3, kh: 3, kw: 3, o: 2, stride: 2, padding: 1),
    ConvCase(n: 2, h: 3, w: 5, c: 3, kh: 1, kw: 1, o: 3),
    ConvCase(n: 1, h: 4, w: 5, c: 2, kh: 2, kw: 3, o: 3, padding: 1),
    ConvCase(n: 1, h: 6, w: 5, c: 3, kh: 4, kw: 4, o: 2, stride: 2, padding: 1),
    ConvCase(n: 2, h: 5, w: 4, c: 1, kh: 3, kw: 3, o: 3, stride: 3, padding: 2),
    ConvCase(n: 1, h: 3, w: 5, c: 3, kh: 1, kw: 1, o: 2, stride: 2, padding: 1),
  ]

  var input: [Int] { [n, h, w, c] }
  var convWeight: [Int] { [kh, kw, c, o] }
  /// `[KH, KW, O, C]` for a transposed convolution from `c` to `o` channels.
  var transposedWeight: [Int] { [kh, kw, o, c] }
}
