import Serialization

/// A `.vq` file: one image's index grids and what is needed to decode them (FORMAT.md §3).
///
/// Stored fields follow the table order of FORMAT.md §3; the latent grid size is stored in the file
/// but derived here, so a container can never disagree with itself. `serialize()` and `parse(_:)` live
/// together in this file so that a change to one is a change to the other.
public struct VQContainer: Equatable, Sendable {
  public static let magic: [UInt8] = [0x56, 0x51, 0x43, 0x31]  // "VQC1"
  /// The version `serialize` writes by default: 2, progressive (FORMAT.md §3.4). Version 1 files still parse.
  public static let formatVersion: UInt16 = 2

  // Limits (FORMAT.md §3.1); `parse` checks each before allocating anything sized by it.
  public static let maxPixelCount = 1 << 28
  public static let downsamplingFactors = 1...64
  public static let channelCounts: Set<Int> = [1, 3, 4]
  public static let codebookSizes = 2...65536
  public static let stageCounts = 1...16
  /// Bounds latentWidth × latentHeight × stageCount, so decoding allocates at most 128 MiB of indices.
  public static let maxTotalIndexCount = 1 << 26

  /// offset 6: first 16 bytes of the model's fingerprint; the decoder must use the same model.
  public var modelFingerprint: [UInt8]
  /// offset 22: source image width in pixels, 1...65535.
  public var imageWidth: Int
  /// offset 24: source image height in pixels, 1...65535, and width × height ≤ 2^28.
  public var imageHeight: Int
  /// offset 26: channels of the source image: 1, 3 or 4.
  public var channels: Int
  /// offset 27: the encoder's total downsampling factor f, 1...64.
  public var downsamplingFactor: Int
  /// offset 32: codebook size K, 2...65536 (every index is below K).
  public var codebookSize: Int
  /// offset 36 onward: one entry per residual stage, 1...16 of them.
  public var stages: [StagePayload]
  /// offset 4: 1 (one CRC over the file) or 2 (a header CRC and one per stage, so any prefix of whole stages is a
  /// valid file).
  public var version: UInt16

  /// offset 28: ceil(imageWidth / f).
  public var latentWidth: Int { (imageWidth + downsamplingFactor - 1) / downsamplingFactor }
  /// offset 30: ceil(imageHeight / f).
  public var latentHeight: Int { (imageHeight + downsamplingFactor - 1) / downsamplingFactor }

  public init(
    modelFingerprint: [UInt8], imageWidth: Int, imageHeight: Int, channels: Int,
    downsamplingFactor: Int, codebookSize: Int, stages: [StagePayload], version: UInt16 = formatVersion
  ) {
    self.version = version
    self.modelFingerprint = modelFingerprint
    self.imageWidth = imageWidth
    self.imageHeight = imageHeight
    self.channels = channels
    self.downsamplingFactor = downsamplingFactor
    self.codebookSize = codebookSize
    self.stages = stages
  }

  /// The file's bytes (FORMAT.md §3). The container must be within the limits above (programmer error if not).
  public func serialize() -> [UInt8] {
    precondition(modelFingerprint.count == 16, "model fingerprint must be 16 bytes")
    precondition((1...65535).contains(imageWidth) && (1...65535).contains(imageHeight), "image size 1...65535")
    precondition(imageWidth * imageHeight <= Self.maxPixelCount, "image has more than 2^28 pixels")
    precondition(Self.channelCounts.contains(channels), "channels must be 1, 3 or 4")
    precondition(Self.downsamplingFactors.contains(downsamplingFactor), "downsampling factor must be 1...64")
    precondition(Self.codebookSizes.contains(codebookSize), "K must be 2...65536")
    precondition(Self.stageCounts.contains(stages.count), "1...16 stages")
    precondition(latentWidth * latentHeight * stages.count <= Self.maxTotalIndexCount, "too many indices")
    precondition(version == 1 || version == 2, "version 1 or 2")
    var bytes = Self.magic
    bytes.appendLittleEndian(version)
    bytes += modelFingerprint
    bytes.appendLittleEndian(UInt16(imageWidth))
    bytes.appendLittleEndian(UInt16(imageHeight))
    bytes.append(UInt8(channels))
    bytes.append(UInt8(downsamplingFactor))
    bytes.appendLittleEndian(UInt16(latentWidth))
    bytes.appendLittleEndian(UInt16(latentHeight))
    bytes.appendLittleEndian(UInt32(codebookSize))
    if version == 1 {
      bytes.append(UInt8(stages.count))
      for stage in stages {
        bytes.append(stage.coder.rawValue)
        bytes.appendLittleEndian(UInt32(stage.bytes.count))
      }
      for stage in stages { bytes += stage.bytes }
      bytes.appendLittleEndian(CRC32.checksum(bytes[...]))
      return bytes
    }
    var chain = CRC32.checksum(bytes[...])
    bytes.appendLittleEndian(chain)
    for stage in stages {
      var block: [UInt8] = []
      block.appendLittleEndian(chain)
      block.append(stage.coder.rawValue)
      block.appendLittleEndian(UInt32(stage.bytes.count))
      block += stage.bytes
      chain = CRC32.checksum(block[...])
      bytes += block.dropFirst(4)
      bytes.appendLittleEndian(chain)
    }
    return bytes
  }

  /// The same image with only its first `count` stages: a version 2 file's bytes are then a prefix of the whole
  /// file's (`vqcodec truncate`), and it decodes to what decoding the whole file with `count` stages gives.
  public func keepingStages(_ count: Int) -> VQContainer {
    precondition((1...stages.count).contains(count), "keep 1...\(stages.count) stages, not \(count)")
    var kept = self
    kept.stages = Array(stages.prefix(count))
    return kept
  }

  /// Reads a `.vq` file of version 1 or 2, checking every field in file order, every limit before anything is
  /// allocated from it, every length against the bytes that remain, and every CRC-32 (FORMAT.md §6).
  public static func parse(_ bytes: [UInt8]) throws(FormatError) -> VQContainer {
    var reader = ByteReader(bytes)
    let magic = try reader.readBytes(4, field: "magic")
    guard magic == Self.magic else { throw .wrongMagic(found: magic) }
    let version = try reader.read(UInt16.self, field: "version")
    guard version == 1 || version == 2 else { throw .unsupportedVersion(found: version) }
    let fingerprint = try reader.readBytes(16, field: "modelFingerprint")

    let width = Int(try reader.read(UInt16.self, field: "width"))
    guard width >= 1 else { throw .fieldOutOfRange(field: "width", offset: 22, value: width, valid: "1...65535") }
    let height = Int(try reader.read(UInt16.self, field: "height"))
    guard height >= 1 else { throw .fieldOutOfRange(field: "height", offset: 24, value: height, valid: "1...65535") }
    guard width * height <= maxPixelCount else {
      throw .fieldOutOfRange(field: "height", offset: 24, value: height, valid: "width × height ≤ 2^28")
    }
    let channels = Int(try reader.read(UInt8.self, field: "channels"))
    guard channelCounts.contains(channels) else {
      throw .fieldOutOfRange(field: "channels", offset: 26, value: channels, valid: "1, 3 or 4")
    }
    let factor = Int(try reader.read(UInt8.self, field: "downsamplingFactor"))
    guard downsamplingFactors.contains(factor) else {
      throw .fieldOutOfRange(field: "downsamplingFactor", offset: 27, value: factor, valid: "1...64")
    }
    let latentWidth = Int(try reader.read(UInt16.self, field: "latentWidth"))
    let expectedWidth = (width + factor - 1) / factor
    guard latentWidth == expectedWidth else {
      throw .fieldOutOfRange(
        field: "latentWidth", offset: 28, value: latentWidth, valid: "ceil(width / f) = \(expectedWidth)")
    }
    let latentHeight = Int(try reader.read(UInt16.self, field: "latentHeight"))
    let expectedHeight = (height + factor - 1) / factor
    guard latentHeight == expectedHeight else {
      throw .fieldOutOfRange(
        field: "latentHeight", offset: 30, value: latentHeight, valid: "ceil(height / f) = \(expectedHeight)")
    }
    let codebookSize = Int(try reader.read(UInt32.self, field: "codebookSize"))
    guard codebookSizes.contains(codebookSize) else {
      throw .fieldOutOfRange(field: "codebookSize", offset: 32, value: codebookSize, valid: "2...65536")
    }
    if version == 2 {
      return try parseStages(
        bytes, reader: &reader,
        VQContainer(
          modelFingerprint: fingerprint, imageWidth: width, imageHeight: height, channels: channels,
          downsamplingFactor: factor, codebookSize: codebookSize, stages: [], version: 2))
    }
    let stageCount = Int(try reader.read(UInt8.self, field: "stageCount"))
    guard stageCounts.contains(stageCount) else {
      throw .fieldOutOfRange(field: "stageCount", offset: 36, value: stageCount, valid: "1...16")
    }
    guard latentWidth * latentHeight * stageCount <= maxTotalIndexCount else {
      throw .fieldOutOfRange(
        field: "stageCount", offset: 36, value: stageCount,
        valid: "latentWidth × latentHeight × stageCount ≤ 2^26")
    }

    var table: [(coder: CoderID, length: UInt32)] = []
    for stage in 0..<stageCount {
      let idOffset = reader.offset
      let id = try reader.read(UInt8.self, field: "coderID of stage \(stage)")
      guard let coder = CoderID(rawValue: id) else { throw .unknownCoder(stage: stage, offset: idOffset, id: id) }
      let length = try reader.read(UInt32.self, field: "payloadLength of stage \(stage)")
      table.append((coder, length))
    }
    var payloadStart = reader.offset
    var stages: [StagePayload] = []
    for (stage, entry) in table.enumerated() {
      let available = bytes.count - payloadStart
      guard Int(entry.length) <= available else {
        throw .payloadLengthExceedsFile(
          stage: stage, offset: 37 + 5 * stage + 1, length: entry.length, available: available)
      }
      stages.append(
        StagePayload(coder: entry.coder, bytes: Array(bytes[payloadStart..<payloadStart + Int(entry.length)])))
      payloadStart += Int(entry.length)
    }
    let crcOffset = payloadStart
    guard bytes.count - crcOffset >= 4 else { throw .truncated(field: "CRC-32", offset: crcOffset) }
    guard bytes.count - crcOffset == 4 else { throw .trailingBytes(count: bytes.count - crcOffset - 4) }
    let stored =
      UInt32(bytes[crcOffset]) | UInt32(bytes[crcOffset + 1]) << 8
      | UInt32(bytes[crcOffset + 2]) << 16 | UInt32(bytes[crcOffset + 3]) << 24
    let computed = CRC32.checksum(bytes[..<crcOffset])
    guard stored == computed else { throw .checksumMismatch(stored: stored, computed: computed) }

    return VQContainer(
      modelFingerprint: fingerprint, imageWidth: width, imageHeight: height, channels: channels,
      downsamplingFactor: factor, codebookSize: codebookSize, stages: stages, version: 1)
  }

  /// Version 2 after the header's fields (§3.4): the header's CRC-32, then stage blocks to the end of the file, each
  /// checked against its CRC-32, which chains it to the header and the stages before it.
  private static func parseStages(
    _ bytes: [UInt8], reader: inout ByteReader, _ header: VQContainer
  ) throws(FormatError) -> VQContainer {
    var container = header
    let headerEnd = reader.offset
    var chain = try reader.read(UInt32.self, field: "header CRC-32")
    let computed = CRC32.checksum(bytes[..<headerEnd])
    guard chain == computed else { throw .checksumMismatch(stored: chain, computed: computed) }
    guard reader.remainingCount > 0 else { throw .truncated(field: "stage 0", offset: reader.offset) }
    while reader.remainingCount > 0 {
      let stage = container.stages.count
      let start = reader.offset
      guard stage < stageCounts.upperBound else {
        throw .fieldOutOfRange(field: "stage count", offset: start, value: stage + 1, valid: "1...16")
      }
      guard container.latentWidth * container.latentHeight * (stage + 1) <= maxTotalIndexCount else {
        throw .fieldOutOfRange(
          field: "stage count", offset: start, value: stage + 1,
          valid: "latentWidth × latentHeight × stages ≤ 2^26")
      }
      let id = try reader.read(UInt8.self, field: "coderID of stage \(stage)")
      guard let coder = CoderID(rawValue: id) else { throw .unknownCoder(stage: stage, offset: start, id: id) }
      let length = try reader.read(UInt32.self, field: "payloadLength of stage \(stage)")
      guard Int(length) <= reader.remainingCount else {
        throw .payloadLengthExceedsFile(
          stage: stage, offset: start + 1, length: length, available: reader.remainingCount)
      }
      let payload = try reader.readBytes(Int(length), field: "payload of stage \(stage)")
      let stored = try reader.read(UInt32.self, field: "CRC-32 of stage \(stage)")
      var block: [UInt8] = []
      block.appendLittleEndian(chain)
      block += bytes[start..<start + 5 + Int(length)]
      chain = CRC32.checksum(block[...])
      guard stored == chain else { throw .inStage(stage, .checksumMismatch(stored: stored, computed: chain)) }
      container.stages.append(StagePayload(coder: coder, bytes: payload))
    }
    return container
  }
}
