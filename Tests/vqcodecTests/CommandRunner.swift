import Foundation
import Testing

/// Runs the built `vqcodec` executable and captures what it prints.
///
/// Finding the executable: SwiftPM puts every product of a configuration in one folder (`.build/debug`,
/// `.build/release`, or `--scratch-path`/`<triple>/<config>`), and the test bundle lives there too. On Linux the
/// test runner *is* `vqcodecPackageTests.xctest` (an executable in that folder), so `Bundle.main.bundleURL` is the
/// folder itself; on macOS the runner is `xctest` and `Bundle.main` may be Xcode's, but the bundle holding this
/// code (`Bundle(for:)`) is `….xctest` inside the folder. So we try, in order: the folder of the executable that is
/// running (`CommandLine.arguments[0]`), `Bundle.main.bundleURL` and its parent, the parent of the bundle that
/// holds this class, and finally `.build/debug` beside this source file's repository (`#filePath`), which is where
/// a plain `swift build` puts it. The first folder holding an executable `vqcodec` wins; the test fails with the
/// list of places tried if none does (build the executable first: `swift build`).
enum VQCodecBinary {
  private final class Anchor {}

  static let candidates: [URL] = {
    var folders: [URL] = []
    let argument0 = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    folders.append(argument0.deletingLastPathComponent())
    folders.append(Bundle.main.bundleURL)
    folders.append(Bundle.main.bundleURL.deletingLastPathComponent())
    folders.append(Bundle(for: Anchor.self).bundleURL.deletingLastPathComponent())
    let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    folders.append(repository.appendingPathComponent(".build/debug"))
    return folders.map { $0.appendingPathComponent("vqcodec") }
  }()

  static let url: URL? = candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
}

struct CommandResult {
  let status: Int32
  let stdoutBytes: [UInt8]
  let stderr: String
  var stdout: String { String(decoding: stdoutBytes, as: UTF8.self) }
  var stderrLines: [Substring] { stderr.split(separator: "\n", omittingEmptySubsequences: true) }
}

/// Runs `vqcodec arguments…` in `folder` with `stdin` (a file's path) or a closed standard input, and `environment`
/// over this process's; output goes through files (no pipe can fill up).
func vqcodec(
  _ arguments: [String], in folder: String, stdin: String? = nil, environment: [String: String] = [:],
  sourceLocation: SourceLocation = #_sourceLocation
) throws -> CommandResult {
  guard let binary = VQCodecBinary.url else {
    Issue.record(
      "vqcodec executable not found; tried \(VQCodecBinary.candidates.map(\.path))", sourceLocation: sourceLocation)
    throw CocoaError(.fileNoSuchFile)
  }
  // Captured outside `folder`, so tests see exactly the files the command left there.
  let out = NSTemporaryDirectory() + "vqcodec-stdout-" + UUID().uuidString
  let err = NSTemporaryDirectory() + "vqcodec-stderr-" + UUID().uuidString
  _ = FileManager.default.createFile(atPath: out, contents: nil)
  _ = FileManager.default.createFile(atPath: err, contents: nil)
  defer {
    try? FileManager.default.removeItem(atPath: out)
    try? FileManager.default.removeItem(atPath: err)
  }
  let process = Process()
  process.executableURL = binary
  process.arguments = arguments
  process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
  process.currentDirectoryURL = URL(fileURLWithPath: folder)
  process.standardInput =
    try stdin.map { try FileHandle(forReadingFrom: URL(fileURLWithPath: $0)) }
    ?? FileHandle.nullDevice
  process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
  process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
  try process.run()
  process.waitUntilExit()
  let read = { (path: String) in [UInt8](FileManager.default.contents(atPath: path) ?? Data()) }
  return CommandResult(
    status: process.terminationStatus, stdoutBytes: read(out), stderr: String(decoding: read(err), as: UTF8.self))
}
