import Foundation

/// A fresh folder under the system temporary directory (never the shared data), removed by `remove()`.
public struct TemporaryFolder: Sendable {
  public let path: String

  public init() throws {
    path = NSTemporaryDirectory() + "vqcodec-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
  }

  public func file(_ name: String) -> String { path + "/" + name }

  /// Writes `bytes` to `name` (folders in it are created); returns the file's path.
  @discardableResult
  public func write(_ bytes: [UInt8], named name: String) throws -> String {
    let target = file(name)
    try FileManager.default.createDirectory(
      atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try Data(bytes).write(to: URL(fileURLWithPath: target))
    return target
  }

  public func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: file(name)) }

  /// Every entry, hidden ones included (a writer's leftover temporary file is hidden), sorted.
  public func contents() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: path).sorted()
  }

  public func remove() { try? FileManager.default.removeItem(atPath: path) }
}
