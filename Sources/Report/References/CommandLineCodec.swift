import Foundation
import Imaging

/// A codec run through its command-line encoder and decoder on files in a private temporary folder: the source
/// written once as PNG, then per setting an encode, the coded file's size, a decode to PNG and that PNG read back.
struct CommandLineCodec: Sendable {
  let encoder: String
  let decoder: String
  /// The Debian package with both tools, for the notice when they are missing.
  let package: String
  let fileExtension: String
  /// Arguments for one encode: setting, threads, source PNG, coded file.
  let encodeArguments: @Sendable (Double, Int, String, String) -> [String]
  /// Arguments for one decode: coded file, PNG to write.
  let decodeArguments: @Sendable (String, String) -> [String]

  /// Calls `body` with a function that codes `image` at a setting with a thread count, in a new temporary folder
  /// named `folderPrefix` + a UUID that is removed afterwards, whatever happens.
  func withSource<Result>(
    _ image: RGBImage, folderPrefix: String,
    _ body: ((Double, Int) throws -> (byteCount: Int, decoded: RGBImage)) throws -> Result
  ) throws -> Result {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(folderPrefix + UUID().uuidString)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
    defer { try? FileManager.default.removeItem(at: folder) }
    let source = folder.appendingPathComponent("source.png").path
    let coded = folder.appendingPathComponent("coded.\(fileExtension)").path
    let decoded = folder.appendingPathComponent("decoded.png").path
    try Data(try image.pngData()).write(to: URL(fileURLWithPath: source))
    return try body { setting, threads in
      try? FileManager.default.removeItem(atPath: coded)
      try ExternalTool.run(encoder, encodeArguments(setting, threads, source, coded))
      try ExternalTool.run(decoder, decodeArguments(coded, decoded))
      guard let byteCount = (try? FileManager.default.attributesOfItem(atPath: coded))?[.size] as? Int,
        let png = FileManager.default.contents(atPath: decoded)
      else { throw ReferenceCodecError("\(encoder) or \(decoder) wrote no file at setting \(setting.settingText)") }
      return (byteCount, try ImageFile.decode(data: Array(png), name: "\(decoder) output").image)
    }
  }
}

/// Finding and running the reference codecs' executables.
enum ExternalTool {
  /// The executable's path on `PATH`, or nil.
  static func find(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    return path.split(separator: ":").map { "\($0)/\(name)" }.first {
      FileManager.default.isExecutableFile(atPath: $0)
    }
  }

  /// Runs `name` with `arguments`, standard output discarded; throws with the last line of its standard error when
  /// it cannot start or exits non-zero.
  static func run(_ name: String, _ arguments: [String]) throws {
    guard let path = find(name) else { throw ReferenceCodecError("\(name) is not on PATH") }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = FileHandle.nullDevice
    let errors = Pipe()
    process.standardError = errors
    do { try process.run() } catch { throw ReferenceCodecError("\(name) did not start: \(error)") }
    // Read before waiting: a tool that fills the pipe would otherwise never exit.
    let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationReason == .exit, process.terminationStatus == 0 else {
      let lastLine = errorText.split(whereSeparator: \.isNewline).last.map(String.init) ?? "no message"
      throw ReferenceCodecError(
        "\(name) \(arguments.joined(separator: " ")) failed (status \(process.terminationStatus)): \(lastLine)")
    }
  }
}
