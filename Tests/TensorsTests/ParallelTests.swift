import Tensors
import TestSupport
import Testing

/// `ComputeThreads` is a process-wide setting and swift-testing runs tests concurrently, so every test that changes
/// it lives in this one serialized suite and restores the previous count. Other suites may run meanwhile and read
/// the changed count; that is harmless because every kernel is meant to give bit-identical results for any count
/// (which is what this suite checks). Shapes are just large enough that `parallelFor` really splits: im2col over
/// N·OH ≥ 16 rows, col2im over N·H ≥ 8, bias rows ≥ 512, nearest codes ≥ 128 rows, unary ≥ 2¹⁷ elements.
@Suite(.serialized) struct ParallelTests {
  /// The value and all input gradients of `op`, computed with `threads` threads.
  func run(_ op: OpCase, threads: Int) -> (output: Tensor, gradients: [[Float]]) {
    let previous = ComputeThreads.count
    ComputeThreads.set(threads)
    defer { ComputeThreads.set(previous) }
    return valueAndGradients(of: op.apply, at: op.inputs)
  }

  static let cases: [OpCase] = [
    OpCase(name: "conv2d 3×3 p1", inputs: [randomTensor([3, 14, 14, 3], seed: 1), randomTensor([3, 3, 3, 4], seed: 2), randomTensor([4], seed: 3)]) {
      $0.conv2d($1[0], weight: $1[1], bias: $1[2], padding: 1)
    },
    OpCase(name: "conv2d 4×4 s2 p1", inputs: [randomTensor([3, 14, 13, 3], seed: 4), randomTensor([4, 4, 3, 5], seed: 5), randomTensor([5], seed: 6)]) {
      $0.conv2d($1[0], weight: $1[1], bias: $1[2], stride: 2, padding: 1)
    },
    OpCase(name: "conv2d 1×1", inputs: [randomTensor([3, 14, 14, 3], seed: 7), randomTensor([1, 1, 3, 5], seed: 8), randomTensor([5], seed: 9)]) {
      $0.conv2d($1[0], weight: $1[1], bias: $1[2])
    },
    OpCase(name: "convTranspose2d 4×4 s2 p1", inputs: [randomTensor([3, 7, 7, 4], seed: 10), randomTensor([4, 4, 3, 4], seed: 11), randomTensor([3], seed: 12)]) {
      $0.convTranspose2d($1[0], weight: $1[1], bias: $1[2], stride: 2, padding: 1)
    },
    OpCase(name: "convTranspose2d 3×3 p1", inputs: [randomTensor([3, 14, 14, 3], seed: 13), randomTensor([3, 3, 5, 3], seed: 14), randomTensor([5], seed: 15)]) {
      $0.convTranspose2d($1[0], weight: $1[1], bias: $1[2], padding: 1)
    },
    OpCase(name: "relu over 2^17", inputs: [randomAwayFromZero([1 << 17], seed: 16)]) { $0.relu($1[0]) },
  ]

  @Test(arguments: cases)
  func oneAndTwoThreadsGiveBitIdenticalResults(_ op: OpCase) {
    let one = run(op, threads: 1)
    let two = run(op, threads: 2)
    #expect(one.output == two.output, "forward differs")
    for k in one.gradients.indices {
      #expect(one.gradients[k] == two.gradients[k], "gradient of input \(k) differs: max diff \(maxAbsoluteDifference(one.gradients[k], two.gradients[k]))")
    }
  }

  @Test func nearestCodesIgnoreTheThreadCount() {
    let z = randomTensor([300, 4], seed: 17).scalars, codebook = randomTensor([9, 4], seed: 18).scalars
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
