/// The architecture of a model: everything needed to rebuild its layers, saved in every `.vqm` file.
public struct ModelConfiguration: Equatable, Sendable {
  /// Spatial downsampling factor f (4, 8 or 16): one latent per f×f pixels.
  public var downsampling: Int
  /// Channels of the network's trunk (the first downsampling convolution has half as many).
  public var width: Int
  /// Residual blocks in the encoder and in the decoder, and their hidden width.
  public var residualBlocks: Int
  public var residualHidden: Int
  /// Latent dimension D and codebook size K per stage.
  public var latentDimension: Int
  public var codebookSize: Int
  /// Residual quantizer stages S (the codec's quality knob: decode any prefix 1...S).
  public var stages: Int
  /// What follows each stride-2 convolution but the decoder's last.
  public var activation: Activation

  /// The nonlinearity after the stride-2 layers; its raw value is the byte a `.vqm` file stores (FORMAT.md §9).
  public enum Activation: UInt8, Sendable, CaseIterable {
    /// ReLU, as in VQ-VAE.
    case relu = 0
    /// GDN in the encoder and IGDN in the decoder (`GeneralizedDivisiveNormalization`).
    case gdn = 1
  }

  public init(
    downsampling: Int, width: Int, residualBlocks: Int, residualHidden: Int, latentDimension: Int,
    codebookSize: Int, stages: Int, activation: Activation = .relu
  ) {
    (self.downsampling, self.width, self.residualBlocks, self.residualHidden) = (
      downsampling, width, residualBlocks, residualHidden
    )
    (self.latentDimension, self.codebookSize, self.stages) = (latentDimension, codebookSize, stages)
    self.activation = activation
  }

  /// Number of stride-2 stages: log2(f).
  public var downsamplingLayers: Int { downsampling.trailingZeroBitCount }

  /// Input and output channels of one stride-2 layer.
  public struct Channels: Equatable, Sendable {
    public let input: Int, output: Int
    public init(input: Int, output: Int) { (self.input, self.output) = (input, output) }
  }

  /// The one width rule, for the encoder's stride-2 convolutions, first to last: 3 → width/2 → width → … → width.
  /// Everything that needs the widths (the layers, the FLOP count, the size check of model files) reads them here.
  public var downsamplingChannels: [Channels] {
    (0..<downsamplingLayers).map { layer in
      Channels(input: layer == 0 ? 3 : (layer == 1 ? width / 2 : width), output: layer == 0 ? width / 2 : width)
    }
  }

  /// The decoder's stride-2 transposed convolutions: the encoder's mirrored (… → width → width/2 → 3), starting
  /// from the trunk's width.
  public var upsamplingChannels: [Channels] {
    var mirrored = downsamplingChannels.reversed().map { Channels(input: $0.output, output: $0.input) }
    if !mirrored.isEmpty { mirrored[0] = Channels(input: width, output: mirrored[0].output) }
    return mirrored
  }

  /// Checks the ranges a model file may hold, so a corrupt file cannot ask for absurd layers.
  public func validate() throws(CodecError) {
    guard [2, 4, 8, 16].contains(downsampling) else {
      throw .invalidModel("downsampling \(downsampling) is not 2, 4, 8 or 16")
    }
    guard (8...1024).contains(width), width % 2 == 0 else { throw .invalidModel("width \(width) out of range") }
    guard (0...16).contains(residualBlocks), (1...1024).contains(residualHidden) else {
      throw .invalidModel("residual blocks out of range")
    }
    guard (1...1024).contains(latentDimension) else {
      throw .invalidModel("latent dimension \(latentDimension) out of range")
    }
    guard (2...65536).contains(codebookSize) else { throw .invalidModel("codebook size \(codebookSize) out of range") }
    guard (1...16).contains(stages) else { throw .invalidModel("stages \(stages) out of range") }
  }

  /// The named presets `--preset` accepts.
  public static let presets: [String: ModelConfiguration] = [
    /// The benchmark network of DESIGN.md, exactly: f4, width 128, 2 residual blocks of 32, D 64, K 512.
    "bench-f4": ModelConfiguration(
      downsampling: 4, width: 128, residualBlocks: 2, residualHidden: 32,
      latentDimension: 64, codebookSize: 512, stages: 1),
    /// High-rate coding: f4 with three stages of K 64 (0.375 bpp per stage before entropy coding), for the rates
    /// above what an f8 network reaches (`Docs/BENCHMARKS.md`).
    "f4-rq3": ModelConfiguration(
      downsampling: 4, width: 128, residualBlocks: 2, residualHidden: 64,
      latentDimension: 32, codebookSize: 64, stages: 3),
    /// Low-rate coding: f8, four residual stages of K 256 (0.125 bpp per stage before entropy coding).
    "f8-rq4": ModelConfiguration(
      downsampling: 8, width: 128, residualBlocks: 2, residualHidden: 64,
      latentDimension: 32, codebookSize: 256, stages: 4),
    /// f8-rq4's network with GDN and IGDN instead of ReLU after the stride-2 layers, and six stages of K 64 (lever 9,
    /// `Docs/BENCHMARKS.md`).
    "f8-gdn": ModelConfiguration(
      downsampling: 8, width: 128, residualBlocks: 2, residualHidden: 64,
      latentDimension: 32, codebookSize: 64, stages: 6, activation: .gdn),
    /// Lower still: f16 with eight stages of K 256 (about 0.031 bpp per stage).
    "f16-rq8": ModelConfiguration(
      downsampling: 16, width: 128, residualBlocks: 2, residualHidden: 64,
      latentDimension: 64, codebookSize: 256, stages: 8),
    /// A tiny model for tests and smoke runs.
    "tiny": ModelConfiguration(
      downsampling: 4, width: 16, residualBlocks: 1, residualHidden: 8,
      latentDimension: 8, codebookSize: 16, stages: 2),
  ]
}
