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
    let image = try codec.decode(bytes)
    try AtomicFile.write(try image.pngData(), to: output)
    if !quiet {
      print("\(output): \(image.width)×\(image.height), \(String(format: "%.2f", Date().timeIntervalSince(start))) s")
    }
  }
}
