import Bitstream
import Codec
import Imaging
import Layers
import Serialization
import Tensors
import Training

/// Every parser of untrusted bytes, as one entry point per format for the libFuzzer harness (`Tests/Fuzz`) and for
/// the unit test that runs the committed seeds. Each must throw or succeed on any input: never trap, hang or
/// allocate without bound.
public enum FuzzTarget: String, CaseIterable, Sendable {
  /// `.vq` files and the index-grid decoders.
  case vq
  /// `.vqm` model files; a model that parses also encodes and decodes a small image.
  case model
  /// Models as safetensors files (`vqcodec convert`); one that parses is written back as a `.vqm`.
  case safetensors
  /// Parameter archives, the weights section of models and checkpoints.
  case archive
  /// Training checkpoints (`--resume`), restored into a trainer of the seeds' architecture.
  case checkpoint
  /// PNG and JPEG input through the libpng and libjpeg shims.
  case png, jpeg

  /// Runs one input. Where the format ends in a CRC-32, the input is also tried with the right CRC, so that
  /// mutations reach the field checks behind it instead of stopping at the checksum; PNG chunks get theirs too.
  public func run(_ bytes: [UInt8]) {
    switch self {
    case .vq:
      Self.withAndWithoutTrailingCRC(bytes, Self.parseAndDecodeVQ)
      Self.parseAndDecodeVQ(VQStageBlocks.withCorrectCRCs(bytes))
    case .model: Self.withAndWithoutTrailingCRC(bytes, Self.parseAndUseModel)
    case .safetensors:
      if let (model, notes) = try? SafetensorsFile.parse(bytes) { _ = ModelFile.serialize(model, notes: notes) }
    case .archive: Self.withAndWithoutTrailingCRC(bytes) { _ = try? ParameterArchive.parse($0[...]) }
    case .checkpoint:
      Self.withAndWithoutTrailingCRC(bytes) { _ = try? Checkpoint.restore($0, into: Self.makeTrainer()) }
    case .png:
      _ = try? ImageFile.decode(data: bytes)
      _ = try? ImageFile.decode(data: PNGChunks.withCorrectCRCs(bytes))
    case .jpeg: _ = try? ImageFile.decode(data: bytes)
    }
  }

  /// Whether the input, as it is, is a valid file of this format (the committed seeds must be).
  public func accepts(_ bytes: [UInt8]) -> Bool {
    switch self {
    case .vq: (try? VQContainer.parse(bytes)) != nil
    case .model: (try? ModelFile.parse(bytes)) != nil
    case .safetensors: (try? SafetensorsFile.parse(bytes)) != nil
    case .archive: (try? ParameterArchive.parse(bytes[...])) != nil
    case .checkpoint: (try? Checkpoint.restore(bytes, into: Self.makeTrainer())) != nil
    case .png, .jpeg: (try? ImageFile.decode(data: bytes)) != nil
    }
  }

  /// The architecture of the model and checkpoint seeds: the smallest the format accepts (about 1,000 floats).
  public static let seedConfiguration = ModelConfiguration(
    downsampling: 2, width: 8, residualBlocks: 0, residualHidden: 1, latentDimension: 2, codebookSize: 4, stages: 2)

  /// A fresh trainer as `vqcodec train` builds one for `seedConfiguration`, for a checkpoint to restore into (a
  /// few thousand floats: cheap enough per input, and no state shared between inputs or tests).
  public static func makeTrainer() -> Trainer {
    var options = TrainingOptions(configuration: seedConfiguration)
    (options.batch, options.crop) = (1, 8)
    var rng = SplitMix64(seed: 0)
    let model = VQModel(seedConfiguration, estimator: options.estimator, options: options.quantizer, using: &rng)
    let image = RGBImage(width: 8, height: 8, pixels: (0..<192).map { UInt8($0) })
    return Trainer(options: options, model: model, dataset: ImageDataset(images: [image]))
  }

  private static func withAndWithoutTrailingCRC(_ bytes: [UInt8], _ body: ([UInt8]) -> Void) {
    body(bytes)
    guard bytes.count >= 4 else { return }
    let content = bytes.dropLast(4)
    let crc = CRC32.checksum(content)
    body(Array(content) + [0, 8, 16, 24].map { UInt8(truncatingIfNeeded: crc >> $0) })
  }

  /// A static stage is decoded with a fixed skewed prior, so the static coder's decoder is fuzzed too.
  private static func parseAndDecodeVQ(_ bytes: [UInt8]) {
    guard let container = try? VQContainer.parse(bytes) else { return }
    let prior = (0..<container.codebookSize).map { UInt32(container.codebookSize - $0) }
    _ = try? container.decodeIndexGrids(priorCounts: Array(repeating: prior, count: container.stages.count))
    _ = try? container.decodeIndexGrids()
  }

  private static func parseAndUseModel(_ bytes: [UInt8]) {
    guard let codec = try? ImageCodec(modelBytes: bytes) else { return }
    let image = RGBImage(width: 5, height: 3, pixels: (0..<45).map { UInt8($0 * 5) })
    guard let encoded = try? codec.encode(image) else { return }
    _ = try? codec.decode(encoded)
  }
}

/// A version 2 `.vq` file's checksums (FORMAT.md §3.4), recomputed so that mutations reach the fields and payloads
/// behind them: the header's, then each stage block's, chained.
enum VQStageBlocks {
  static func withCorrectCRCs(_ bytes: [UInt8]) -> [UInt8] {
    guard bytes.count >= 40, bytes[4] == 2, bytes[5] == 0 else { return bytes }
    var out = bytes
    var chain = CRC32.checksum(out[..<36])
    store(chain, at: 36, in: &out)
    var offset = 40
    while offset + 9 <= out.count {
      let length = (1...4).reduce(0) { $0 | Int(out[offset + $1]) << (8 * ($1 - 1)) }
      let end = offset + 5 + length
      guard length <= out.count, end + 4 <= out.count else { break }
      var block: [UInt8] = []
      block.appendLittleEndian(chain)
      block += out[offset..<end]
      chain = CRC32.checksum(block[...])
      store(chain, at: end, in: &out)
      offset = end + 4
    }
    return out
  }

  private static func store(_ value: UInt32, at offset: Int, in bytes: inout [UInt8]) {
    for i in 0..<4 { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) }
  }
}

/// PNG's chunk structure, just enough to give mutated chunks their right CRC-32 (libpng rejects wrong ones).
enum PNGChunks {
  static func withCorrectCRCs(_ bytes: [UInt8]) -> [UInt8] {
    var out = bytes
    var offset = 8
    while offset + 12 <= out.count {
      let length = out[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
      let end = offset + 8 + length
      guard length <= out.count, end + 4 <= out.count else { break }
      let crc = CRC32.checksum(out[(offset + 4)..<end])
      for i in 0..<4 { out[end + i] = UInt8(truncatingIfNeeded: crc >> (24 - 8 * i)) }
      offset = end + 4
    }
    return out
  }
}
