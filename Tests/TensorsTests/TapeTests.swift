import Tensors
import TestSupport
import Testing

@Suite struct TapeTests {
  // MARK: inference tape

  @Test(arguments: OpCase.all)
  func inferenceTapeRecordsNothingAndComputesTheSameValues(_ op: OpCase) {
    let inference = Tape(isRecording: false)
    let y = op.apply(inference, op.inputs.map { Variable($0) })
    #expect(inference.recordedSteps == 0)
    #expect(!y.requiresGrad)
    let recording = Tape()
    let z = op.apply(recording, op.inputs.map { Variable($0) })
    #expect(recording.recordedSteps > 0)
    #expect(y.value == z.value, "forward differs between an inference and a recording tape")
    // The static helper is an inference tape too.
    let shared = Tape.inference
    #expect(op.apply(shared, op.inputs.map { Variable($0) }).value == z.value)
    #expect(!shared.isRecording && shared.recordedSteps == 0)
  }

  @Test func backwardRunsEachStepOnceAndReleasesThem() {
    let tape = Tape()
    let x = Variable(Tensor(shape: [2], scalars: [1, 2]))
    let loss = tape.sum(tape.square(x))
    #expect(tape.recordedSteps == 2)
    tape.backward(from: loss)
    #expect(tape.recordedSteps == 0)
    #expect(x.grad == [2, 4])
  }

  @Test func constantsRecordNothing() {
    // An op whose inputs all skip gradients records no step, and its output skips gradients too.
    let tape = Tape()
    let c = Variable(Tensor(shape: [3], scalars: [1, 2, 3]), requiresGrad: false)
    let y = tape.exp(tape.add(c, c))
    #expect(tape.recordedSteps == 0)
    #expect(!y.requiresGrad)
  }

  @Test(arguments: OpCase.all.filter { $0.inputs.count >= 2 })
  func constantsOfATapeGetNoGradientAndChangeNothingElse(_ op: OpCase) {
    // A trained network's weights, fixed while its input is optimised: the first input is a constant of the tape.
    let normal = valueAndGradients(of: op.apply, at: op.inputs)
    let inputs = op.inputs.map { Variable($0) }
    let tape = Tape(constants: [inputs[0]])
    let y = op.apply(tape, inputs)
    let r = Variable(randomTensor(y.shape, seed: 99), requiresGrad: false)
    tape.backward(from: tape.sum(tape.multiply(y, r)))
    #expect(y.value == normal.output)
    #expect(inputs[0].grad.isEmpty, "a constant received a gradient")
    for k in 1..<inputs.count { #expect(inputs[k].gradTensor.scalars == normal.gradients[k], "input \(k)") }
  }

  // MARK: determinism

  @Test(arguments: OpCase.all)
  func sameComputationTwiceIsBitIdentical(_ op: OpCase) {
    let first = valueAndGradients(of: op.apply, at: op.inputs)
    let second = valueAndGradients(of: op.apply, at: op.inputs)
    #expect(first.output == second.output)
    #expect(first.gradients == second.gradients)
  }

  // MARK: the checker itself

  @Test func gradientCheckCatchesAMissingGradientPath() {
    // x · detached(x): the tape's gradient is x, the true derivative of x² is 2x; the checker must notice.
    let mismatch = gradientCheck(
      of: { tape, v in tape.multiply(v[0], v[0].detached()) }, at: [randomTensor([3], seed: 1, in: 0.5...1)])
    #expect(mismatch != nil)
  }

  @Test(arguments: OpCase.all)
  func catalogueGradientsMatchFiniteDifferences(_ op: OpCase) {
    // The same inputs the determinism and inference tests use, so those tests exercise correct gradients.
    expectGradientsMatchFiniteDifferences(of: op.apply, at: op.inputs)
  }
}
