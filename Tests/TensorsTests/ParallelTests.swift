import Tensors
import TestSupport
import Testing

/// `ComputeThreads` is a process-wide setting and swift-testing runs tests concurrently, so every test that changes
/// it lives in this one serialized suite and restores the previous count. Other suites may run meanwhile and read
/// the changed count; that is harmless because the engine gives bit-identical results for any count (which is what
/// this suite checks). Shapes are just large enough that `parallelFor` really splits: im2col over N·OH ≥ 16 rows,
/// col2im over N·H ≥ 8, bias rows ≥ 512, nearest codes ≥ 128 rows, unary ≥ 2¹⁷ elements, a sum along an axis over
/// 2 or more outer rows of 2¹⁴, the squared error's gradient over 2¹⁵.
@Suite(.serialized) struct ParallelTests {
  /// The value and all input gradients of `op`, computed with `threads` threads.
  func run(_ op: OpCase, threads: Int) -> (output: Tensor, gradients: [[Float]]) {
    let previous = ComputeThreads.count
    ComputeThreads.set(threads)
    defer { ComputeThreads.set(previous) }
    return valueAndGradients(of: op.apply, at: op.inputs)
  }

  static let cases: [OpCase] = [
    OpCase(
      name: "conv2d 3×3 p1",
      inputs: [
        randomTensor([3, 14, 14, 3], seed: 1), randomTensor([3, 3, 3, 4], seed: 2), randomTensor([4], seed: 3),
      ]
    ) {
      $0.conv2d($1[0], weight: $1[1], bias: $1[2], padding: 1)
    },
    OpCase(
      name: "conv2d 4×4 s2 p1",
      inputs: [
        randomTensor([3, 14, 13, 3], seed: 4), randomTensor([4, 4, 3, 5], seed: 5), randomTensor([5], seed: 6),
      ]
    ) {
      $0.conv2d($1[0], weight: $1[1], bias: $1[2], stride: 2, padding: 1)
    },
    OpCase(
      name: "conv2d 1×1",
      inputs: [
        randomTensor([3, 14, 14, 3], seed: 7), randomTensor([1, 1, 3, 5], seed: 8), randomTensor([5], seed: 9),
      ]
    ) {
      $0.conv2d($1[0], weight: $1[1], bias: $1[2])
    },
    OpCase(
      name: "convTranspose2d 4×4 s2 p1",
      inputs: [
        randomTensor([3, 7, 7, 4], seed: 10), randomTensor([4, 4, 3, 4], seed: 11), randomTensor([3], seed: 12),
      ]
    ) {
      $0.convTranspose2d($1[0], weight: $1[1], bias: $1[2], stride: 2, padding: 1)
    },
    OpCase(
      name: "convTranspose2d 3×3 p1",
      inputs: [
        randomTensor([3, 14, 14, 3], seed: 13), randomTensor([3, 3, 5, 3], seed: 14), randomTensor([5], seed: 15),
      ]
    ) {
      $0.convTranspose2d($1[0], weight: $1[1], bias: $1[2], padding: 1)
    },
    OpCase(name: "relu over 2^17", inputs: [randomAwayFromZero([1 << 17], seed: 16)]) { $0.relu($1[0]) },
    OpCase(
      name: "multiply over 2^15 (same shapes)",
      inputs: [randomTensor([1 << 15], seed: 24), randomTensor([1 << 15], seed: 25)]
    ) {
      $0.multiply($1[0], $1[1])
    },
    OpCase(name: "sum along axis 1 of [8, 2^14]", inputs: [randomTensor([8, 1 << 14], seed: 36)]) {
      $0.sum($1[0], axis: 1)
    },
    OpCase(
      name: "meanSquaredError over 2^15",
      inputs: [randomTensor([1 << 15], seed: 37), randomTensor([1 << 15], seed: 38)]
    ) {
      $0.meanSquaredError($1[0], $1[1])
    },
    // 4096 rows: the bias gradient's 16-column groups go to separate threads (35 = two groups and 3 columns).
    OpCase(
      name: "conv2d 1×1, bias gradient over 4096 rows",
      inputs: [
        randomTensor([1, 64, 64, 2], seed: 26), randomTensor([1, 1, 2, 35], seed: 27), randomTensor([35], seed: 28),
      ]
    ) {
      $0.conv2d($1[0], weight: $1[1], bias: $1[2])
    },
  ]

  /// Larger than the rest of the suite on purpose: `sgemm` splits a product across threads only above 2¹⁸
  /// multiply-adds, so these make it run on two threads (GEMMs of 512×144×16 and 256×64×64). The cases above stay
  /// below it, so they test only the engine's own `parallelFor`.
  static let threadedGEMMCases: [OpCase] = [
    OpCase(
      name: "conv2d 16 channels (threaded sgemm)",
      inputs: [
        randomTensor([2, 16, 16, 16], seed: 19), randomTensor([3, 3, 16, 16], seed: 20), randomTensor([16], seed: 21),
      ]
    ) {
      $0.conv2d($1[0], weight: $1[1], bias: $1[2], padding: 1)
    },
    OpCase(
      name: "matmul 256×64·64×64 (threaded sgemm)",
      inputs: [randomTensor([256, 64], seed: 22), randomTensor([64, 64], seed: 23)]
    ) {
      $0.matmul($1[0], $1[1])
    },
  ]

  @Test(arguments: cases)
  func oneAndTwoThreadsGiveBitIdenticalResults(_ op: OpCase) {
    expectBitIdentical(run(op, threads: 1), run(op, threads: 2))
  }

  @Test(arguments: threadedGEMMCases)
  func threadedSgemmOneAndTwoThreadsGiveBitIdenticalResults(_ op: OpCase) {
    // GEMMs large enough to be split across threads: each element is one fused chain whatever the split.
    expectBitIdentical(run(op, threads: 1), run(op, threads: 2))
  }

  /// Inference's own paths: a convolution computed as shifted GEMMs in chunks, and a transposed convolution whose
  /// product rows are wide enough (64 · 1024 floats) to run in bands, even bands then odd.
  @Test func inferencePathsIgnoreTheThreadCount() {
    let x = randomTensor([1, 40, 36, 8], seed: 30)
    let w = randomTensor([3, 3, 8, 16], seed: 31)
    let xt = randomTensor([1, 8, 64, 8], seed: 32)
    let wt = randomTensor([4, 4, 64, 8], seed: 33)
    let b = randomTensor([16], seed: 34)
    let bt = randomTensor([64], seed: 35)
    func both(threads: Int) -> [Tensor] {
      let previous = ComputeThreads.count
      ComputeThreads.set(threads)
      defer { ComputeThreads.set(previous) }
      let tape = Tape.inference
      return [
        tape.conv2d(Variable(x), weight: Variable(w), bias: Variable(b), padding: 1, reluInput: true, reluOutput: true)
          .value,
        tape.convTranspose2d(Variable(xt), weight: Variable(wt), bias: Variable(bt), stride: 2, padding: 1).value,
      ]
    }
    #expect(both(threads: 1) == both(threads: 2))
  }

  func expectBitIdentical(
    _ one: (output: Tensor, gradients: [[Float]]), _ two: (output: Tensor, gradients: [[Float]]),
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    // Compared as Bools so that a failure prints the max difference, not two whole tensors.
    let sameOutput = one.output == two.output
    #expect(
      sameOutput, "forward differs: max diff \(maxAbsoluteDifference(one.output.scalars, two.output.scalars))",
      sourceLocation: sourceLocation)
    for k in one.gradients.indices {
      let sameGradient = one.gradients[k] == two.gradients[k]
      #expect(
        sameGradient,
        "gradient of input \(k) differs: max diff \(maxAbsoluteDifference(one.gradients[k], two.gradients[k]))",
        sourceLocation: sourceLocation)
    }
  }

  @Test func nearestCodesIgnoreTheThreadCount() {
    let z = randomTensor([300, 4], seed: 17).scalars
    let codebook = randomTensor([9, 4], seed: 18).scalars
    let previous = ComputeThreads.count
    defer { ComputeThreads.set(previous) }
    ComputeThreads.set(1)
    let one = nearestCodes(z, rows: 300, codebook: codebook, codes: 9, dimension: 4)
    ComputeThreads.set(2)
    let two = nearestCodes(z, rows: 300, codebook: codebook, codes: 9, dimension: 4)
    #expect(one.indices == two.indices && one.distances == two.distances)
  }

  @Test func setUpdatesTheCount() {
    let previous = ComputeThreads.count
    defer { ComputeThreads.set(previous) }
    ComputeThreads.set(2)
    #expect(ComputeThreads.count == 2)
  }
}
