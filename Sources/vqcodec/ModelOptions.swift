import ArgumentParser
import Bitstream
import Codec
import DefaultModel
import Foundation
import Imaging

/// `--model`, shared by the commands that code images.
struct ModelOptions: ParsableArguments {
  @Option(
    name: .shortAndLong,
    help: ArgumentHelp(
      "Model: a .vqm file, or a model shipped with vqcodec by name, default or high (for rates above the default's; "
        + "README). Without it: default, and decode takes the shipped model the file was made with."))
  var model: String?

  /// `--model`'s codec, the default model's without it.
  func loadCodec() throws -> ImageCodec { try loadModel(model ?? "default") }

  /// The `--model` to decode `file` with: the one given, or else the shipped model whose fingerprint the file names
  /// (the default when none does; its error then says which model the file needs).
  func modelArgument(decoding file: [UInt8]) -> String {
    if let model { return model }
    guard let wanted = try? VQContainer.parse(file).modelFingerprint else { return "default" }
    return shippedName(fingerprint: wanted) ?? "default"
  }
}

/// Each shipped model's fingerprint, computed once (a folder of files asks for every file).
private let shippedFingerprints: [(name: String, fingerprint: [UInt8])] = DefaultModel.names.compactMap { name in
  (try? DefaultModel.bytes(named: name)).map { (name, ModelFile.fingerprint(of: $0)) }
}

/// The name of the shipped model with this fingerprint, nil for any other model.
func shippedName(fingerprint: [UInt8]) -> String? {
  shippedFingerprints.first { $0.fingerprint == fingerprint }?.name
}

/// The codec of a `--model` argument: a shipped model's name (`default`, `high`) or else a file's path.
func loadModel(_ argument: String) throws -> ImageCodec {
  let bytes = try modelBytes(argument)
  do { return try ImageCodec(modelBytes: bytes) } catch {
    throw CommandFailure("\(DefaultModel.names.contains(argument) ? "shipped model \(argument)" : argument): \(error)")
  }
}

/// The bytes of a `--model` argument (see `loadModel`); a file of the same name as a shipped model is `./NAME`.
func modelBytes(_ argument: String) throws -> [UInt8] {
  if DefaultModel.names.contains(argument) { return try DefaultModel.bytes(named: argument) }
  if !argument.contains("/") && !argument.contains(".") && !FileManager.default.fileExists(atPath: argument) {
    throw CommandFailure(
      "\(argument): no such file, and no shipped model of that name (\(DefaultModel.names.joined(separator: ", ")))")
  }
  return try readFile(argument)
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
