import ArgumentParser
import Codec
import DefaultModel
import Foundation
import Imaging

/// `--model`, shared by the commands that code images.
struct ModelOptions: ParsableArguments {
  @Option(name: .shortAndLong, help: "Model file (.vqm). Default: the model shipped with vqcodec.")
  var model: String?

  func loadCodec() throws -> ImageCodec {
    let bytes: [UInt8]
    if let model { bytes = try readFile(model) } else { bytes = try DefaultModel.bytes() }
    do { return try ImageCodec(modelBytes: bytes) } catch {
      throw CommandFailure("\(model ?? "default model"): \(error)")
    }
  }
}

/// Bytes as lowercase hex, the way fingerprints are printed.
func hexString(_ bytes: some Sequence<UInt8>) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

/// A failure to report as one `error:` line and exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

/// Reads a whole file, refusing folders and anything over 1 GiB before reading it.
func readFile(_ path: String) throws -> [UInt8] {
  var isDirectory: ObjCBool = false
  guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
    throw CommandFailure("\(path): no such file")
  }
  guard !isDirectory.boolValue else { throw CommandFailure("\(path): is a folder") }
  let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
  guard size <= 1 << 30 else { throw CommandFailure("\(path): file too large (\(size) bytes)") }
  guard let data = FileManager.default.contents(atPath: path) else { throw CommandFailure("\(path): cannot read") }
  return [UInt8](data)
}

/// Refuses to overwrite the input, to replace an existing file without `--force`, or to write to a folder. A FIFO or
/// a device (`/dev/stdout`) is written through, not replaced, so it needs no `--force`. Called first in `run()`, not
/// from `validate()`: these are failures of a well-formed command (one `error:` line, exit 1), not usage errors
/// (usage text, exit 64).
func checkOutput(_ output: String, input: String, force: Bool) throws {
  let resolve = { (p: String) in URL(fileURLWithPath: p).standardizedFileURL.resolvingSymlinksInPath().path }
  if resolve(output) == resolve(input) { throw CommandFailure("the output would overwrite the input \(input)") }
  switch OutputTarget.of(output) {
  case .regularFile where !force: throw CommandFailure("\(output) exists; pass --force to overwrite it")
  case .folder: throw CommandFailure("\(output) is a folder")
  case .danglingLink: throw CommandFailure("\(output) is a symbolic link to nothing")
  case .absent, .regularFile, .special: break
  }
}

func printNotice(_ message: String) {
  writeToStandardError("note: " + message + "\n")
}
