import ArgumentParser
import Foundation

@main
struct VQCodecCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "vqcodec",
    abstract: "A learned, discrete-latent image codec: encode, decode, train and measure.",
    subcommands: [EncodeCommand.self, DecodeCommand.self, InfoCommand.self, TrainCommand.self, BenchCommand.self, GradientVarianceCommand.self])

  /// Usage errors print with usage (exit 64); a failure while running prints one `error:` line (exit 1).
  static func main() {
    var command: ParsableCommand
    do { command = try parseAsRoot() } catch { exit(withError: error) }
    do {
      try command.run()
    } catch {
      if error is ValidationError || error is CleanExit { exit(withError: error) }
      FileHandle.standardError.write(Data("error: \(error)\n".utf8))
      Foundation.exit(1)
    }
  }
}
