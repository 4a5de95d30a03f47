import Tensors
import TestSupport
import Testing

/// Inference tapes run stride-1 convolutions on images large enough as `ShiftedConvolution` (GEMMs over shifted
/// views of the padded input, no im2col). Where training's path is im2col (the channels do not narrow), the two
/// compute the same fused chain per element and must agree bit for bit; everywhere, they must match the naive loop.
@Suite struct Conv2dShiftedTests {
  struct Case: CustomStringConvertible {
    let n, h, w, c, o, kh, kw, padding: Int
    var description: String { "\(n)x\(h)x\(w)x\(c) k\(kh)x\(kw) p\(padding) ->\(o)" }
  }

  /// Big enough for the shifted path (padded grid under 15% extra); two stacked images; odd sizes; a narrowing case.
  static let cases = [
    Case(n: 1, h: 24, w: 26, c: 5, o: 7, kh: 3, kw: 3, padding: 1),
    Case(n: 2, h: 30, w: 28, c: 3, o: 9, kh: 3, kw: 3, padding: 1),
    Case(n: 1, h: 40, w: 37, c: 4, o: 6, kh: 5, kw: 3, padding: 2),
    Case(n: 1, h: 33, w: 31, c: 2, o: 5, kh: 3, kw: 3, padding: 0),
    Case(n: 2, h: 26, w: 25, c: 12, o: 4, kh: 3, kw: 3, padding: 1),
  ]

  func convolve(_ k: Case, on tape: Tape, bias: Bool) -> Tensor {
    let x = randomTensor([k.n, k.h, k.w, k.c], seed: 1)
    let w = randomTensor([k.kh, k.kw, k.c, k.o], seed: 2)
    let b = bias ? Variable(randomTensor([k.o], seed: 3)) : nil
    return tape.conv2d(Variable(x), weight: Variable(w), bias: b, stride: 1, padding: k.padding).value
  }

  @Test(arguments: cases)
  func inferenceMatchesTheNaiveLoop(_ k: Case) {
    let x = randomTensor([k.n, k.h, k.w, k.c], seed: 1)
    let w = randomTensor([k.kh, k.kw, k.c, k.o], seed: 2)
    for bias in [true, false] {
      let naive = naiveConv2d(
        x, weight: w, bias: bias ? randomTensor([k.o], seed: 3) : nil, stride: 1, padding: k.padding)
      let fast = convolve(k, on: .inference, bias: bias)
      #expect(fast.shape == naive.shape)
      expectClose(fast.scalars, naive.scalars, "\(k) bias \(bias)")
    }
  }

  @Test(arguments: cases.filter { $0.o >= $0.c })
  func inferenceEqualsTrainingsIm2colBitForBit(_ k: Case) {
    for bias in [true, false] {
      let shifted = convolve(k, on: .inference, bias: bias)
      let im2col = convolve(k, on: Tape(), bias: bias)
      #expect(shifted.scalars.map(\.bitPattern) == im2col.scalars.map(\.bitPattern), "\(k) bias \(bias)")
    }
  }

  /// The fused ReLUs (applied while the input is padded and the output copied out) give exactly the values of the
  /// separate ops.
  @Test(arguments: cases.filter { $0.o >= $0.c })
  func fusedReLUsEqualTheSeparateOps(_ k: Case) {
    let x = Variable(randomTensor([k.n, k.h, k.w, k.c], seed: 1))
    let w = Variable(randomTensor([k.kh, k.kw, k.c, k.o], seed: 2))
    let b = Variable(randomTensor([k.o], seed: 3))
    for (reluInput, reluOutput) in [(true, false), (false, true), (true, true)] {
      let fused = Tape.inference.conv2d(
        x, weight: w, bias: b, padding: k.padding, reluInput: reluInput, reluOutput: reluOutput)
      let tape = Tape()
      var separate = tape.conv2d(reluInput ? tape.relu(x) : x, weight: w, bias: b, padding: k.padding)
      if reluOutput { separate = tape.relu(separate) }
      #expect(
        fused.value.scalars.map(\.bitPattern) == separate.value.scalars.map(\.bitPattern),
        "\(k) reluInput \(reluInput) reluOutput \(reluOutput)")
    }
  }
}

/// The residual block's end on an inference tape: the GEMM starts from `residual + bias`. Rounded differently from
/// `residual + conv1×1(x)`, so compared within float tolerance; recording tapes run exactly the separate ops.
@Test func residualAddedInTheGEMMMatchesTheSeparateOps() {
  let x = Variable(randomTensor([2, 9, 7, 6], seed: 1))
  let residual = Variable(randomTensor([2, 9, 7, 5], seed: 2))
  let w = Variable(randomTensor([1, 1, 6, 5], seed: 3))
  let b = Variable(randomTensor([5], seed: 4))
  let fused = Tape.inference.conv2d(x, weight: w, bias: b, adding: residual)
  let tape = Tape()
  let separate = tape.add(residual, tape.conv2d(x, weight: w, bias: b))
  expectClose(fused.value.scalars, separate.value.scalars, "fused residual")
  let recorded = tape.conv2d(x, weight: w, bias: b, adding: residual)
  #expect(recorded.value == separate.value)
  #expect(recorded.requiresGrad)
}
