import ArgumentParser

@main
struct VQCodecCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "vqcodec",
    abstract: "A learned, discrete-latent image codec: encode, decode, train and measure.",
    subcommands: [BenchCommand.self])
}
