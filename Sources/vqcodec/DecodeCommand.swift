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
      // Each file may name another shipped model; each is loaded once.
      var codecs: [String: ImageCodec] = [:]
      let folder = FolderCoding(
        input: input, output: output, direction: .decoding, force: force, quiet: quiet)
      try folder.run { source, target in
        let bytes = try readFile(source)
        let argument = modelOptions.modelArgument(decoding: bytes)
        let codec = try codecs[argument] ?? loadModel(argument)
        codecs[argument] = codec
        let decoded = try codec.decodePNG(bytes, stages: stages) { try OutputFile(path: target) }
        return (bytes.count, decoded.pngBytes, decoded.width * decoded.height)
      }
      return
    }
    try checkOutputArgument(output, input: input, force: force)
    try checkExtension(output, writes: "PNG images", extensions: ["png"])
    let bytes = try readInput(input)
    let codec = try loadModel(modelOptions.modelArgument(decoding: bytes))
    let start = Date()
    let (width, height, _) = try codec.decodePNG(bytes, stages: stages) { try openOutput(output) }
    if !quiet {
      printResult(
        for: output,
        "\(width)×\(height), \(String(format: "%.2f", Date().timeIntervalSince(start))) s, \(peakMemoryText())")
    }
  }
}
