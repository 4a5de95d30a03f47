import Tensors
import Testing

@testable import Layers

/// PyTorch's default for `ConvTranspose2d`: uniform in ±1/√(outChannels·k²) (fan-in read from weight dim 1).
@Test(arguments: [(16, 8, 4, 2, 1), (8, 3, 4, 2, 1), (4, 6, 3, 1, 1)])
func convTranspose2dInitialisationAndShapes(inChannels: Int, outChannels: Int, kernel: Int, stride: Int, padding: Int) {
  var rng = SplitMix64(seed: 11)
  let conv = ConvTranspose2d(
    inChannels: inChannels, outChannels: outChannels, kernelSize: kernel, stride: stride, padding: padding, using: &rng)
  let bound = 1 / Float(outChannels * kernel * kernel).squareRoot()
  #expect(conv.weight.shape == [kernel, kernel, outChannels, inChannels])
  #expect(conv.bias.shape == [outChannels])
  for p in conv.parameters {
    #expect(p.value.scalars.allSatisfy { abs($0) <= bound }, "\(p.name) outside ±\(bound)")
  }
  #expect(conv.weight.value.scalars.map { abs($0) }.max()! > 0.9 * bound)

  let x = Variable(Tensor(repeating: 0.1, shape: [1, 3, 5, inChannels]), requiresGrad: false)
  let y = conv(x, on: Tape(isRecording: false))
  // (H − 1)·s − 2p + k: a stride-2, padding-1, 4×4 layer exactly doubles each side.
  #expect(
    y.shape == [1, (3 - 1) * stride - 2 * padding + kernel, (5 - 1) * stride - 2 * padding + kernel, outChannels])
}

/// One input pixel through a 2×2 stride-2 transposed convolution paints the kernel (times the input) plus the bias.
@Test func convTranspose2dForwardOnAHandComputedPixel() {
  var rng = SplitMix64(seed: 2)
  let conv = ConvTranspose2d(inChannels: 1, outChannels: 1, kernelSize: 2, stride: 2, using: &rng)
  conv.weight.value = Tensor(shape: [2, 2, 1, 1], scalars: [1, 2, 3, 4])
  conv.bias.value = Tensor(shape: [1], scalars: [-1])
  let y = conv(Variable(Tensor(shape: [1, 1, 1, 1], scalars: [2]), requiresGrad: false), on: Tape(isRecording: false))
  #expect(y.shape == [1, 2, 2, 1])
  #expect(y.value.scalars == [1, 3, 5, 7])
}
