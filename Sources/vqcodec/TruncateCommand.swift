import ArgumentParser
import Bitstream
import Imaging

struct TruncateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "truncate",
    abstract: "Keep the first stages of a .vq file: a smaller file of lower quality, without re-encoding.",
    discussion: """
      The result decodes to exactly the pixels `vqcodec decode IN.vq --stages K` gives from the whole file. A \
      version 2 file (what encode writes) is cut after its K-th stage: the result is a prefix of the file, so a \
      server can send a smaller version as a byte range. A version 1 file is rewritten with K stages.
      """)

  @Argument(help: "The .vq file, or - for standard input.") var input: String
  @Argument(help: "Where to write the shorter .vq file (atomically), or - for standard output.") var output: String
  @Option(help: "Stages to keep (1...S of the file).") var stages: Int
  @Flag(help: "Overwrite the output if it exists.") var force = false
  @Flag(help: "Print nothing on success.") var quiet = false

  func validate() throws {
    if stages < 1 { throw ValidationError("--stages must be at least 1") }
  }

  func run() throws {
    try checkOutputArgument(output, input: input, force: force)
    try checkExtension(output, writes: ".vq files", extensions: ["vq"])
    let bytes = try readInput(input)
    let container: VQContainer
    do { container = try VQContainer.parse(bytes) } catch {
      throw CommandFailure("\(displayName(input)): \(error)")
    }
    guard stages <= container.stages.count else {
      throw CommandFailure(
        "\(displayName(input)) has \(container.stages.count) stages: --stages must be in 1...\(container.stages.count)")
    }
    let kept = container.keepingStages(stages).serialize()
    let file = try openOutput(output)
    try file.write(kept)
    try file.commit()
    if !quiet {
      let share = 100 * Double(kept.count) / Double(bytes.count)
      let line =
        "\(output == standardStream ? "standard output" : output): \(kept.count) bytes, \(stages) of "
        + "\(container.stages.count) stages (\(Int(share.rounded()))% of the file"
        + (container.version == 1 ? "; a version 1 file, rewritten)" : ", its first bytes)")
      writeToStandardError(line + "\n")
    }
  }
}
