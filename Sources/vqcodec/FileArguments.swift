import Foundation
import Imaging
import Training

/// `-` as a file argument: standard input for an input, standard output for an output (written through, like any
/// device).
let standardStream = "-"

/// The bytes of `path`, or of standard input for `-` (refused past 1 GiB, read in pieces: never one huge buffer).
func readInput(_ path: String) throws -> [UInt8] {
  guard path == standardStream else { return try readFile(path) }
  var bytes: [UInt8] = []
  var chunk = [UInt8](repeating: 0, count: 1 << 16)
  while true {
    let count = chunk.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
    if count < 0 {
      if errno == EINTR { continue }
      throw CommandFailure("standard input: cannot read: \(String(cString: strerror(errno)))")
    }
    if count == 0 { return bytes }
    guard bytes.count + count <= 1 << 30 else { throw CommandFailure("standard input: more than 1 GiB") }
    bytes += chunk[..<count]
  }
}

/// Opens an output argument: standard output for `-`, else `OutputFile(path:)` (atomic for a regular file).
func openOutput(_ argument: String) throws -> OutputFile {
  argument == standardStream ? try OutputFile.standardOutput() : try OutputFile(path: argument)
}

/// Checks an output argument before any work (`checkOutput`); standard output is the shell's to decide.
func checkOutputArgument(_ argument: String, input: String, force: Bool) throws {
  if argument != standardStream { try checkOutput(argument, input: input, force: force) }
}

/// Prints a command's result line `"OUTPUT: details"`; with the file on standard output the line goes to standard
/// error, where it cannot mix with the file's bytes.
func printResult(for output: String, _ details: String) {
  if output == standardStream {
    writeToStandardError("standard output: \(details)\n")
  } else {
    print("\(output): \(details)")
  }
}

/// How a file argument reads in messages.
func displayName(_ argument: String) -> String {
  argument == standardStream ? "standard input" : argument
}

/// Refuses an output whose extension says another format than the one written (`out.jpg` receiving PNG data).
/// Standard output, FIFOs and devices carry no extension to check.
func checkExtension(_ output: String, writes format: String, extensions: Set<String>) throws {
  if output == standardStream { return }
  if case .special = OutputTarget.of(output) { return }
  try requireExtension(output, format: format, extensions: extensions)
}

private func requireExtension(_ output: String, format: String, extensions: Set<String>) throws {
  let found = (output as NSString).pathExtension.lowercased()
  guard extensions.contains(found) else {
    let wanted = extensions.sorted().map { "." + $0 }.joined(separator: " or ")
    throw CommandFailure(
      "\(output): this command writes \(format); name the output with \(wanted)"
        + (found.isEmpty ? "" : " (not .\(found))"))
  }
}

/// Whether `path` names an existing folder (then `encode` and `decode` work file by file).
func isFolder(_ path: String) -> Bool {
  var isDirectory: ObjCBool = false
  return path != standardStream && FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
    && isDirectory.boolValue
}
