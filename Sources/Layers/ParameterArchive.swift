import Serialization
import Tensors

/// Named tensors in a checksummed little-endian byte layout (Docs/FORMAT.md, "Parameter archive"):
/// magic `VQPA`, u16 version 1, u32 count, then per tensor u16 name length, UTF-8 name, u8 rank, u32 dims,
/// float32 scalars; finally the CRC-32 of everything before it.
public struct ParameterArchive: Equatable {
  public static let magic: [UInt8] = Array("VQPA".utf8)
  public static let version: UInt16 = 1

  public var entries: [(name: String, tensor: Tensor)]

  public init(entries: [(name: String, tensor: Tensor)]) { self.entries = entries }

  /// The archive of these parameters' current values, under their names.
  public init(parameters: [Variable]) {
    entries = parameters.map { ($0.name, $0.value) }
  }

  public static func == (a: Self, b: Self) -> Bool {
    a.entries.count == b.entries.count
      && zip(a.entries, b.entries).allSatisfy { $0.name == $1.name && $0.tensor == $1.tensor }
  }

  public func serialize() -> [UInt8] {
    var out = ParameterArchive.magic
    out.appendLittleEndian(ParameterArchive.version)
    out.appendLittleEndian(UInt32(entries.count))
    for (name, tensor) in entries {
      let utf8 = Array(name.utf8)
      out.appendLittleEndian(UInt16(utf8.count))
      out += utf8
      out.append(UInt8(tensor.shape.count))
      for d in tensor.shape { out.appendLittleEndian(UInt32(d)) }
      out.appendLittleEndian(tensor.scalars)
    }
    out.appendLittleEndian(CRC32.checksum(out))
    return out
  }

  /// Parses and verifies an archive; never traps on malformed bytes, and checks every size before allocating.
  public static func parse(_ bytes: ArraySlice<UInt8>) throws(ArchiveError) -> ParameterArchive {
    guard bytes.count >= 14 else { throw .truncated }
    guard Array(bytes.prefix(4)) == magic else { throw .badMagic }
    let body = bytes.dropLast(4)
    var crcReader = ByteReader(bytes.suffix(4))
    guard try read(UInt32.self, from: &crcReader) == CRC32.checksum(body) else { throw .checksumMismatch }
    var reader = ByteReader(body.dropFirst(4))
    let version = try read(UInt16.self, from: &reader)
    guard version == ParameterArchive.version else { throw .unsupportedVersion(version) }
    let count = Int(try read(UInt32.self, from: &reader))
    guard count <= reader.remainingCount / 3 else { throw .corrupt("tensor count \(count) exceeds the file size") }
    var entries: [(String, Tensor)] = []
    for _ in 0..<count {
      let nameLength = Int(try read(UInt16.self, from: &reader))
      let name = String(
        decoding: try mapEnd { () throws(ByteReader.EndOfBytes) in try reader.readBytes(nameLength) }, as: UTF8.self)
      let rank = Int(try read(UInt8.self, from: &reader))
      guard rank <= 8 else { throw .corrupt("tensor \(name) has rank \(rank)") }
      var shape: [Int] = []
      var total = 1
      var overflowed = false  // sticky: a later zero dimension must not hide it (the shape's product would trap)
      for _ in 0..<rank {
        let d = Int(try read(UInt32.self, from: &reader))
        let (product, overflow) = total.multipliedReportingOverflow(by: d)
        (total, overflowed) = (product, overflowed || overflow)
        shape.append(d)
      }
      guard !overflowed, total <= reader.remainingCount / 4 else {
        throw .corrupt("tensor \(name) of shape \(shape) exceeds the file size")
      }
      let scalars = try mapEnd { () throws(ByteReader.EndOfBytes) in try reader.readFloats(total) }
      entries.append((name, Tensor(shape: shape, scalars: scalars)))
    }
    guard reader.remainingCount == 0 else {
      throw .corrupt("\(reader.remainingCount) unexpected bytes after the last tensor")
    }
    return ParameterArchive(entries: entries)
  }

  private static func read<T: FixedWidthInteger & UnsignedInteger>(
    _ type: T.Type, from reader: inout ByteReader
  ) throws(ArchiveError) -> T {
    try mapEnd { () throws(ByteReader.EndOfBytes) in try reader.read(type) }
  }

  /// An archive that ends early is `.truncated`, wherever it ends.
  private static func mapEnd<T>(_ read: () throws(ByteReader.EndOfBytes) -> T) throws(ArchiveError) -> T {
    do { return try read() } catch { throw .truncated }
  }

  /// Copies the archive's tensors into `parameters`, matched by name; every parameter must be present with its shape.
  public func load(into parameters: [Variable]) throws(ArchiveError) {
    let byName = Dictionary(entries.map { ($0.name, $0.tensor) }, uniquingKeysWith: { first, _ in first })
    for p in parameters {
      guard let t = byName[p.name] else { throw .missingTensor(p.name) }
      guard t.shape == p.shape else { throw .shapeMismatch(p.name, expected: p.shape, found: t.shape) }
    }
    for p in parameters { p.value = byName[p.name]! }
  }

  public func tensor(named name: String) -> Tensor? { entries.first { $0.name == name }?.tensor }
}

/// Why a parameter archive could not be read.
public enum ArchiveError: Error, Equatable, CustomStringConvertible {
  case truncated, badMagic, checksumMismatch
  case unsupportedVersion(UInt16)
  case corrupt(String)
  case missingTensor(String)
  case shapeMismatch(String, expected: [Int], found: [Int])

  public var description: String {
    switch self {
    case .truncated: "parameter archive is truncated"
    case .badMagic: "not a parameter archive (bad magic)"
    case .checksumMismatch: "parameter archive checksum mismatch (the file is corrupt)"
    case .unsupportedVersion(let v): "parameter archive version \(v) is not supported (this build reads version 1)"
    case .corrupt(let why): "corrupt parameter archive: \(why)"
    case .missingTensor(let name): "parameter archive has no tensor named \(name)"
    case .shapeMismatch(let name, let expected, let found):
      "tensor \(name) has shape \(found), the model expects \(expected)"
    }
  }
}
