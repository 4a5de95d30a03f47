import ArgumentParser
import Codec
import Foundation
import Imaging

struct DecodeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "decode", abstract: "Decompress a .vq file into a PNG image.")

  @Argument(help: "The .vq file, - for standard input, or a folder of them.") var input: String
  @Argument(help: "Where to write the PNG (atomically), - for standard output, or a folder for a folder.")
  var output: String
  @OptionGroup var modelOptions: ModelOptions
  @Option(help: "Decode only the first stages of the file (1...S; fewer: lower quality). Default: all.")
  var stages: Int?
  @Flag(help: "Overwrite the output if it exists.") var force = false
  @Flag(help: "Print nothing on success.") var quiet = false
  @OptionGroup var threadOptions: ThreadOptions

  func validate() throws {
    if let stages, stages < 1 { throw ValidationError("--stages must be at least 1") }
  }

  func run() throws {
    threadOptions.apply()
    if isFolder(input) {
      let codec = try modelOptions.loadCodec()
      let folder = FolderCoding(
        input: input, output: output, verb: "decoding", inputExtensions: ["vq"], outputExtension: "png",
        force: force, quiet: quiet)
      try folder.run { source, target in
        let bytes = try readFile(source)
        let (width, height) = try decode(bytes, with: codec, to: target)
        return (bytes.count, try FileBytes.read(path: target).count, width * height)
      }
      return
    }
    try checkOutputArgument(output, input: input, force: force)
    try checkExtension(output, writes: "PNG images", extensions: ["png"])
    let bytes = try readInput(input)
    let codec = try modelOptions.loadCodec()
    let start = Date()
    let (width, height) = try decode(bytes, with: codec, to: output)
    if !quiet {
      let line =
        "\(output == standardStream ? "standard output" : output): \(width)×\(height), "
        + "\(String(format: "%.2f", Date().timeIntervalSince(start))) s, \(peakMemoryText())"
      if output == standardStream { writeToStandardError(line + "\n") } else { print(line) }
    }
  }

  /// Decodes a `.vq` file's bytes into a PNG at `path`. The output is opened only once the file has passed every
  /// check (the first PNG bytes), and the PNG is written band by band as it is decoded.
  private func decode(_ bytes: [UInt8], with codec: ImageCodec, to output: String) throws -> (width: Int, height: Int) {
    var file: OutputFile?
    let size = try codec.decodePNG(bytes, stages: stages) { bytes in
      if file == nil { file = try openOutput(output) }
      try file!.write(bytes)
    }
    try file!.commit()
    return size
  }
}
