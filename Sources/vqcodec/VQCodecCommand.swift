import ArgumentParser
import Foundation

@main
struct VQCodecCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "vqcodec",
    abstract: "A learned, discrete-latent image codec: encode, decode, train and measure.",
    discussion: """
      File arguments of encode and decode may be - (standard input or output) or folders. `vqcodec --version` \
      prints the version and the built-in models' fingerprints. Shell completion: \
      `vqcodec --generate-completion-script bash|zsh|fish`.
      """,
    subcommands: [
      EncodeCommand.self, DecodeCommand.self, TruncateCommand.self, ConvertCommand.self, InfoCommand.self,
      ReportCommand.self,
      TrainCommand.self,
      GradientVarianceCommand.self, BenchCommand.self,
    ])

  /// Usage errors print with usage (exit 64); a failure while running prints one `error:` line (exit 1).
  static func main() {
    // A reader that goes away (`vqcodec decode x.vq - | head`) then fails the write with EPIPE: one error line,
    // not death by signal.
    signal(SIGPIPE, SIG_IGN)
    // Answered here rather than through CommandConfiguration(version:), which would read and hash the 5 MB built-in
    // model on every run.
    if CommandLine.arguments.dropFirst() == ["--version"] {
      print(versionText())
      return
    }
    var command: ParsableCommand
    do { command = try parseAsRoot() } catch { exit(withError: error) }
    do {
      try command.run()
    } catch {
      // Help requests, usage errors and clean exits come from the argument parser itself.
      if error is ValidationError || error is CleanExit
        || String(reflecting: type(of: error)).hasPrefix("ArgumentParser.")
      {
        exit(withError: error)
      }
      if !(error is QuietFailure) { tellFailure(error) }
      Foundation.exit(1)
    }
  }
}
