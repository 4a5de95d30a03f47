import Layers
import Serialization
import Tensors

/// The `.vqm` model file (Docs/FORMAT.md §9): architecture, estimator, training notes, the entropy coder's
/// prior, every weight and codebook, and a CRC-32. A `.vq` file names its model by `fingerprint`.
public enum ModelFile {
  public static let magic: [UInt8] = Array("VQM1".utf8)
  public static let version: UInt16 = 1
  /// Bounds checked before anything is allocated.
  static let maxMetadataBytes = 1 << 20

  /// The file's bytes. `notes` is free text (JSON by convention: how the model was trained).
  public static func serialize(_ model: VQModel, notes: String = "") -> [UInt8] {
    let c = model.configuration
    var out = magic
    out.appendLittleEndian(version)
    out.append(model.estimator.rawValue)
    out.append(c.activation.rawValue)
    for v in [c.downsampling, c.width, c.residualBlocks, c.residualHidden, c.latentDimension] {
      out.appendLittleEndian(UInt16(v))
    }
    out.appendLittleEndian(UInt32(c.codebookSize))
    out.appendLittleEndian(UInt16(c.stages))
    let noteBytes = Array(notes.utf8.prefix(maxMetadataBytes))
    out.appendLittleEndian(UInt32(noteBytes.count))
    out += noteBytes
    out.appendLittleEndian(UInt32(model.indexPrior.count))
    for stage in model.indexPrior { for count in stage { out.appendLittleEndian(count) } }
    let archive = ParameterArchive(parameters: model.storedTensors).serialize()
    out.appendLittleEndian(UInt64(archive.count))
    out += archive
    out.appendLittleEndian(CRC32.checksum(out))
    return out
  }

  /// Parses, verifies and rebuilds a model; throws `CodecError` (never traps) on anything malformed.
  public static func parse(_ bytes: [UInt8]) throws(CodecError) -> (model: VQModel, notes: String) {
    guard bytes.count >= 40 else { throw .invalidModel("file too short to be a model (\(bytes.count) bytes)") }
    guard Array(bytes.prefix(4)) == magic else { throw .invalidModel("not a vqcodec model (bad magic)") }
    let stored = bytes.suffix(4).enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * $1.offset) }
    guard stored == CRC32.checksum(bytes.dropLast(4)) else {
      throw .invalidModel("checksum mismatch: the model file is corrupt")
    }
    var r = ModelFieldReader(reader: ByteReader(bytes.dropLast(4)))
    _ = try r.bytes(4)
    let version = UInt16(try r.uint(2))
    guard version == ModelFile.version else {
      throw .invalidModel("model format version \(version) is not supported (this build reads 1)")
    }
    guard let estimator = Estimator(rawValue: UInt8(try r.uint(1))) else { throw .invalidModel("unknown estimator id") }
    // Reserved (0) before GDN, so every older file reads as ReLU.
    guard let activation = ModelConfiguration.Activation(rawValue: UInt8(try r.uint(1))) else {
      throw .invalidModel("unknown activation id")
    }
    let fields = try (0..<5).map { _ throws(CodecError) in Int(try r.uint(2)) }
    let configuration = ModelConfiguration(
      downsampling: fields[0], width: fields[1], residualBlocks: fields[2], residualHidden: fields[3],
      latentDimension: fields[4], codebookSize: Int(try r.uint(4)), stages: Int(try r.uint(2)), activation: activation)
    try configuration.validate()
    let noteLength = Int(try r.uint(4))
    guard noteLength <= maxMetadataBytes else { throw .invalidModel("notes of \(noteLength) bytes exceed the limit") }
    let notes = String(decoding: try r.bytes(noteLength), as: UTF8.self)
    let priorStages = Int(try r.uint(4))
    guard priorStages == 0 || priorStages == configuration.stages else {
      throw .invalidModel("prior has \(priorStages) stages")
    }
    guard priorStages * configuration.codebookSize * 4 <= r.remaining else {
      throw .invalidModel("prior exceeds the file size")
    }
    var prior: [[UInt32]] = []
    for _ in 0..<priorStages {
      prior.append(try (0..<configuration.codebookSize).map { _ throws(CodecError) in UInt32(try r.uint(4)) })
    }
    let archiveLength = try r.uint(8)  // compared as UInt64: Int(_:) would trap on a length of 2^63 or more
    guard archiveLength == UInt64(r.remaining) else {
      throw .invalidModel("weights section length \(archiveLength) does not match the file")
    }
    let archive: ParameterArchive
    do { archive = try ParameterArchive.parse(try r.bytes(r.remaining)[...]) } catch let e as ArchiveError {
      throw .invalidModel("\(e)")
    } catch { throw .invalidModel("\(error)") }
    let weightCount = archive.entries.reduce(0) { $0 + $1.tensor.count }
    let expected = configuration.storedScalarCount(estimator: estimator)
    guard weightCount == expected else {
      throw .invalidModel("the file stores \(weightCount) weights, its architecture needs \(expected)")
    }
    var rng = SplitMix64(seed: 0)
    let model = VQModel(configuration, estimator: estimator, using: &rng)
    do { try archive.load(into: model.storedTensors) } catch { throw .invalidModel("\(error)") }
    // The checksum only proves the bytes are as written: a diverged run could have written NaNs.
    if let bad = model.storedTensors.first(where: { !$0.value.isFinite }) {
      throw .invalidModel("\(bad.name) holds a value that is not finite (NaN or infinity)")
    }
    model.indexPrior = prior
    model.markCodebooksInitialized()
    return (model, notes)
  }

  /// 16 bytes that identify a model file's exact contents: two FNV-1a 64-bit hashes with different offset bases.
  public static func fingerprint(of bytes: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    for basis: UInt64 in [0xCBF2_9CE4_8422_2325, 0x6C62_272E_07BB_0142] {
      var h = basis
      for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
      out.appendLittleEndian(h)
    }
    return out
  }
}

/// The model file's fields: a file that ends inside one is `invalidModel`.
private struct ModelFieldReader {
  var reader: ByteReader
  var remaining: Int { reader.remainingCount }

  mutating func bytes(_ count: Int) throws(CodecError) -> [UInt8] {
    do { return try reader.readBytes(count) } catch { throw .invalidModel("the model file is truncated") }
  }

  mutating func uint(_ size: Int) throws(CodecError) -> UInt64 {
    try bytes(size).enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * $1.offset) }
  }
}
