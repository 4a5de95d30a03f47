import TestSupport
import Testing

@testable import Tensors

/// The transposed form of a narrowing convolution computes the same function as im2col + GEMM.
struct Conv2dNarrowingTests {
  @Test(arguments: [(3, 1), (3, 0), (3, 2), (5, 2), (2, 0), (2, 1)])
  func transposedFormMatchesIm2col(kernel: Int, padding: Int) {
    var rng = SplitMix64(seed: UInt64(kernel * 10 + padding))
    let x = Variable(.uniform(shape: [2, 7, 6, 5], in: -1...1, using: &rng))
    let w = Variable(.uniform(shape: [kernel, kernel, 5, 3], in: -1...1, using: &rng))
    let b = Variable(.uniform(shape: [3], in: -1...1, using: &rng))
    let tape = Tape()
    let fast = tape.conv2d(x, weight: w, bias: b, stride: 1, padding: padding)
    let g = ConvGeometry(n: 2, h: 7, w: 6, c: 5, kernelHeight: kernel, kernelWidth: kernel, stride: 1, padding: padding)
    var reference = [Float](repeating: 0, count: g.rows * 3)
    conv2dForward(
      col: columns(of: x.value.scalars, g), weight: w.value.scalars, bias: b.value.scalars, g, outChannels: 3,
      into: &reference)
    #expect(fast.shape == [2, g.outHeight, g.outWidth, 3])
    #expect(maxAbsoluteDifference(fast.value.scalars, reference) < 1e-4)
  }

  @Test func transposedFormGradientsMatchFiniteDifferences() {
    var rng = SplitMix64(seed: 3)
    let x = Tensor.uniform(shape: [2, 5, 4, 4], in: -1...1, using: &rng)
    let w = Tensor.uniform(shape: [3, 3, 4, 2], in: -1...1, using: &rng)
    let b = Tensor.uniform(shape: [2], in: -1...1, using: &rng)
    let mismatch = gradientCheck(
      of: { tape, v in tape.conv2d(v[0], weight: v[1], bias: v[2], stride: 1, padding: 1) }, at: [x, w, b])
    #expect(mismatch == nil, "\(mismatch.map(\.description) ?? "")")
  }
}
