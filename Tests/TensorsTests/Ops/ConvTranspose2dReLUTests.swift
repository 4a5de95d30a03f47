import Tensors
import TestSupport
import Testing

/// `convTranspose2d(…, reluOutput: true)` on an inference tape clamps each output row as its sum completes, in the
/// gather (narrow product rows) or in the bands (wide ones, where an even band may clamp only the rows no odd band
/// touches). It must give exactly `relu(convTranspose2d(…))`, whatever the geometry, image count and thread count.
@Suite struct ConvTranspose2dReLUTests {
  struct Case: CustomStringConvertible {
    let n, h, w, c, o, k, stride, padding: Int
    var description: String { "\(n)x\(h)x\(w)x\(c) k\(k)/\(stride) p\(padding) ->\(o)" }
  }

  /// Banded: 64 · 4·4·64 floats per product row (≥ 2¹⁶); two images so bands straddle an image boundary; a stride-1
  /// 3×3 (bands of two rows). Gathered: the 3-channel layer's shape, small.
  static let cases = [
    Case(n: 1, h: 9, w: 64, c: 8, o: 64, k: 4, stride: 2, padding: 1),
    Case(n: 2, h: 7, w: 64, c: 4, o: 64, k: 4, stride: 2, padding: 1),
    Case(n: 2, h: 9, w: 80, c: 4, o: 96, k: 3, stride: 1, padding: 1),
    Case(n: 2, h: 6, w: 5, c: 8, o: 3, k: 4, stride: 2, padding: 1),
  ]

  @Test(arguments: cases)
  func fusedReLUEqualsTheSeparateOps(_ k: Case) {
    let x = Variable(randomTensor([k.n, k.h, k.w, k.c], seed: 1))
    let w = Variable(randomTensor([k.k, k.k, k.o, k.c], seed: 2))
    let b = Variable(randomTensor([k.o], seed: 3))
    let tape = Tape.inference
    let fused = tape.convTranspose2d(x, weight: w, bias: b, stride: k.stride, padding: k.padding, reluOutput: true)
    let separate = tape.relu(tape.convTranspose2d(x, weight: w, bias: b, stride: k.stride, padding: k.padding))
    let differing = zip(fused.value.scalars, separate.value.scalars).filter { $0.bitPattern != $1.bitPattern }.count
    #expect(differing == 0, "\(k): \(differing) values differ")
    #expect(fused.value.scalars.contains { $0 == 0 }, "\(k): nothing was clamped, the case tests nothing")
  }
}
