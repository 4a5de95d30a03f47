import CZlib
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
      out.reserveCapacity(out.count + 4 * tensor.count)
      for v in tensor.scalars { out.appendLittleEndian(v.bitPattern) }
    }
    out.appendLittleEndian(crc32Checksum(out[...]))
    return out
  }

  /// Parses and verifies an archive; never traps on malformed bytes, and checks every size before allocating.
  public static func parse(_ bytes: ArraySlice<UInt8>) throws(ArchiveError) -> ParameterArchive {
    guard bytes.count >= 14 else { throw .truncated }
    guard Array(bytes.prefix(4)) == magic else { throw .badMagic }
    let body = bytes.dropLast(4)
    var crcReader = LittleEndianReader(bytes.suffix(4))
    guard try crcReader.read(UInt32.self) == crc32Checksum(body) else { throw .checksumMismatch }
    var reader = LittleEndianReader(body.dropFirst(4))
    let version = try reader.read(UInt16.self)
    guard version == ParameterArchive.version else { throw .unsupportedVersion(version) }
    let count = Int(try reader.read(UInt32.self))
    guard count <= reader.remaining / 3 else { throw .corrupt("tensor count \(count) exceeds the file size") }
    var entries: [(String, Tensor)] = []
    for _ in 0..<count {
      let nameLength = Int(try reader.read(UInt16.self))
      let name = String(decoding: try reader.readBytes(nameLength), as: UTF8.self)
      let rank = Int(try reader.read(UInt8.self))
      guard rank <= 8 else { throw .corrupt("tensor \(name) has rank \(rank)") }
      var shape: [Int] = []
      var total = 1
      var overflowed = false  // sticky: a later zero dimension must not hide it (the shape's product would trap)
      for _ in 0..<rank {
        let d = Int(try reader.read(UInt32.self))
        let (product, overflow) = total.multipliedReportingOverflow(by: d)
        (total, overflowed) = (product, overflowed || overflow)
        shape.append(d)
      }
      guard !overflowed, total <= reader.remaining / 4 else {
        throw .corrupt("tensor \(name) of shape \(shape) exceeds the file size")
      }
      let raw = try reader.readBytes(4 * total)
      var scalars = [Float](repeating: 0, count: total)
      raw.withUnsafeBufferPointer { r in
        for i in 0..<total {
          let b = 4 * i
          scalars[i] = Float(
            bitPattern: UInt32(r[b]) | UInt32(r[b + 1]) << 8 | UInt32(r[b + 2]) << 16 | UInt32(r[b + 3]) << 24)
        }
      }
      entries.append((name, Tensor(shape: shape, scalars: scalars)))
    }
    guard reader.remaining == 0 else { throw .corrupt("\(reader.remaining) unexpected bytes after the last tensor") }
    return ParameterArchive(entries: entries)
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

/// zlib's CRC-32 of a byte range.
public func crc32Checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
  bytes.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, UInt32($0.count))) }
}

extension Array where Element == UInt8 {
  mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
    Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
  }
}

/// Reads little-endian integers from a byte slice, throwing instead of reading past the end.
struct LittleEndianReader {
  private var bytes: ArraySlice<UInt8>
  init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }
  var remaining: Int { bytes.count }

  mutating func read<T: FixedWidthInteger>(_: T.Type) throws(ArchiveError) -> T {
    let size = MemoryLayout<T>.size
    guard bytes.count >= size else { throw .truncated }
    var value: T = 0
    for (i, b) in bytes.prefix(size).enumerated() { value |= T(b) << (8 * i) }
    bytes = bytes.dropFirst(size)
    return value
  }

  mutating func readBytes(_ count: Int) throws(ArchiveError) -> [UInt8] {
    guard count <= bytes.count else { throw .truncated }
    defer { bytes = bytes.dropFirst(count) }
    return Array(bytes.prefix(count))
  }
}
