import Foundation
import Imaging
import Training

/// `encode DIR OUTDIR` and `decode DIR OUTDIR`: every matching file under `input` (recursively, sorted), each to the
/// same relative path under `output` with the new extension. A file that fails gets its own `error:` line and the
/// others go on; a progress line on stderr, then a summary; exit status 1 if any failed.
struct FolderCoding {
  enum Direction: String {
    case encoding, decoding
    var inputExtensions: Set<String> { self == .encoding ? ImageFolder.extensions : ["vq"] }
    var outputExtension: String { self == .encoding ? "vq" : "png" }
  }

  let input: String, output: String
  let direction: Direction
  let force: Bool
  let quiet: Bool

  /// `code(inputPath, outputPath)` codes one file and returns (input bytes, output bytes, pixels).
  func run(_ code: (String, String) throws -> (inputBytes: Int, outputBytes: Int, pixels: Int)) throws {
    let files = try matchingFiles()
    try createFolder(output)
    let start = Date()
    let live = isatty(STDERR_FILENO) != 0 && !quiet
    var (done, failed, inputBytes, outputBytes, pixels) = (0, 0, 0, 0, 0)
    for (index, file) in files.enumerated() {
      if live { writeToStandardError("\r\u{1B}[2K\(direction.rawValue) \(index + 1)/\(files.count): \(file)") }
      let target = destination(of: file)
      do {
        try createFolder((target as NSString).deletingLastPathComponent)
        try checkOutput(target, input: file, force: force)
        let result = try code(file, target)
        (done, inputBytes, outputBytes, pixels) = (
          done + 1, inputBytes + result.inputBytes, outputBytes + result.outputBytes, pixels + result.pixels
        )
      } catch {
        if live { writeToStandardError("\r\u{1B}[2K") }
        let text = failureText(error)
        writeToStandardError("error: " + (text.hasPrefix(file) ? text : "\(file): \(text)") + "\n")
        failed += 1
      }
    }
    if live { writeToStandardError("\r\u{1B}[2K") }
    if !quiet {
      // The `.vq` side's size gives the rate.
      let codedBytes = direction == .encoding ? outputBytes : inputBytes
      let bpp = pixels > 0 ? String(format: ", %.4f bpp", Double(8 * codedBytes) / Double(pixels)) : ""
      writeToStandardError(
        "\(done) of \(files.count) files \(direction == .encoding ? "encoded" : "decoded") into \(output): "
          + "\(inputBytes) → \(outputBytes) bytes\(bpp), "
          + String(format: "%.2f s", Date().timeIntervalSince(start))
          + (failed > 0 ? ", \(failed) failed" : "") + "\n")
    }
    if failed > 0 { throw QuietFailure() }
  }

  private func matchingFiles() throws -> [String] {
    guard let walker = FileManager.default.enumerator(atPath: input) else {
      throw CommandFailure("\(input): cannot list the folder")
    }
    var found: [String] = []
    for case let relative as String in walker
    where direction.inputExtensions.contains((relative as NSString).pathExtension.lowercased()) {
      found.append((input as NSString).appendingPathComponent(relative))
    }
    guard !found.isEmpty else {
      throw CommandFailure(
        "\(input): no \(direction.inputExtensions.sorted().map { "." + $0 }.joined(separator: ", ")) files in the folder"
      )
    }
    return found.sorted()
  }

  private func destination(of file: String) -> String {
    let relative = String(file.dropFirst(input.count)).drop { $0 == "/" }
    let stem = (String(relative) as NSString).deletingPathExtension
    return (output as NSString).appendingPathComponent(stem + "." + direction.outputExtension)
  }

  private func createFolder(_ path: String) throws {
    guard !path.isEmpty, !isFolder(path) else { return }
    do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
      throw CommandFailure("\(path): cannot create the folder")
    }
  }
}
