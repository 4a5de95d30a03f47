import ArgumentParser
import Codec
import Foundation
import Imaging

struct DecodeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "decode", abstract: "Decompress a .vq file into a PNG image.")

  @Argument(help: "The .vq file.") var input: String
  @Argument(help: "Where to write the PNG (written atomically).") var output: String
  @OptionGroup var modelOptions: ModelOptions
  @Flag(help: "Overwrite the output if it exists.") var force = false
  @Flag(name: .shortAndLong, help: "Print nothing on success.") var quiet = false
  @OptionGroup var threadOptions: ThreadOptions

  func run() throws {
    try checkOutput(output, input: input, force: force)
    threadOptions.apply()
    let bytes = try readFile(input)
    let codec = try modelOptions.loadCodec()
    let start = Date()
    // The output is opened only once the file has passed every check (the first PNG bytes), and the PNG is
    // written band by band as it is decoded.
    var file: OutputFile?
    let (width, height) = try codec.decodePNG(bytes) { bytes in
      if file == nil { file = try OutputFile(path: output) }
      try file!.write(bytes)
    }
    try file!.commit()
    if !quiet {
      print(
        "\(output): \(width)×\(height), \(String(format: "%.2f", Date().timeIntervalSince(start))) s, "
          + "\(peakMemoryText())"
      )
    }
  }
}
