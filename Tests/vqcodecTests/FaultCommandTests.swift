import Codec
import Foundation
import Glibc
import Imaging
import Tensors
import TestSupport
import Testing

/// A folder `images/` with one 16×16 photo, enough for `train --preset tiny --crop 8` (the train command tests').
func trainingFolder() throws -> TemporaryFolder {
  let folder = try TemporaryFolder()
  let image = RGBImage(width: 16, height: 16, pixels: (0..<16 * 16 * 3).map { UInt8(($0 * 53) % 256) })
  try FileManager.default.createDirectory(atPath: folder.file("images"), withIntermediateDirectories: false)
  try folder.write(try image.pngData(), named: "images/photo.png")
  return folder
}

/// `train` reports progress on stderr: a failure is status 1 and one `error:` line, the last.
private func expectTrainingError(
  _ r: CommandResult, mentioning needle: String, sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(r.status == 1, "status \(r.status), stderr: \(r.stderr)", sourceLocation: sourceLocation)
  #expect(
    r.stderrLines.filter { $0.hasPrefix("error: ") }.count == 1, "stderr: \(r.stderr)", sourceLocation: sourceLocation)
  #expect(r.stderrLines.last?.hasPrefix("error: ") == true, "stderr: \(r.stderr)", sourceLocation: sourceLocation)
  #expect(r.stderr.contains(needle), "stderr: \(r.stderr)", sourceLocation: sourceLocation)
}

private let tinyRun = ["--preset", "tiny", "--batch", "1", "--crop", "8"]

/// `train --lr 1e6`: one error line naming the step, exit 1, and the files on disk are the last good step's.
@Test func aDivergingTrainingRunStopsWithOneErrorLine() throws {
  let folder = try trainingFolder()
  defer { folder.remove() }
  let train = try vqcodec(
    ["train", "images", "--out", "m.vqm", "--lr", "1e6", "--warmup", "0", "--steps", "100", "--checkpoint-every", "1"]
      + tinyRun, in: folder.path)
  expectTrainingError(train, mentioning: "training diverged at step")
  // Whatever was saved before loads: a checksummed model with NaN weights is never written.
  let info = try vqcodec(["info", "m.vqm"], in: folder.path)
  #expect(info.status == 0, "stderr: \(info.stderr)")
}

/// `train` refuses to replace an earlier run's model, checkpoint or log without `--force`.
@Test(arguments: ["m.vqm", "m.vqm.ckpt", "m.vqm.log.jsonl"])
func trainRefusesToReplaceAnExistingOutput(_ existing: String) throws {
  let folder = try trainingFolder()
  defer { folder.remove() }
  try folder.write([1, 2, 3], named: existing)
  let arguments = ["train", "images", "--out", "m.vqm", "--steps", "1"] + tinyRun
  expectOneErrorLine(try vqcodec(arguments, in: folder.path), mentioning: "\(existing) exists; pass --force")
  #expect(try folder.contents() == [existing, "images"].sorted())
  #expect(FileManager.default.contents(atPath: folder.file(existing)) == Data([1, 2, 3]))

  let forced = try vqcodec(arguments + ["--force"], in: folder.path)
  #expect(forced.status == 0, "stderr: \(forced.stderr)")
  #expect(try folder.contents() == ["images", "m.vqm", "m.vqm.ckpt", "m.vqm.log.jsonl"])
}

/// `--resume` goes on writing its own checkpoint and log without `--force`.
@Test func resumeWritesItsOwnFilesWithoutForce() throws {
  let folder = try trainingFolder()
  defer { folder.remove() }
  let first = try vqcodec(
    ["train", "images", "--out", "m.vqm", "--steps", "1", "--log-every", "1"] + tinyRun, in: folder.path)
  #expect(first.status == 0, "stderr: \(first.stderr)")
  let resumed = try vqcodec(
    ["train", "images", "--out", "m.vqm", "--steps", "2", "--resume", "m.vqm.ckpt", "--log-every", "1"] + tinyRun,
    in: folder.path)
  #expect(resumed.status == 0, "stderr: \(resumed.stderr)")
  let log = try String(contentsOfFile: folder.file("m.vqm.log.jsonl"), encoding: .utf8)
  #expect(log.contains("\"step\": 2,"))
}

/// Outputs that are not regular files are written through without `--force`: a link to `/dev/null` stays a link
/// (and `/dev/null` a device).
@Test func decodeWritesThroughALinkToADevice() throws {
  let fixture = try BadInputFixture()
  defer { fixture.folder.remove() }
  try FileManager.default.createSymbolicLink(atPath: fixture.folder.file("sink"), withDestinationPath: "/dev/null")
  let decode = try vqcodec(["decode", "good.vq", "sink", "--quiet"], in: fixture.folder.path)
  #expect(decode.status == 0, "stderr: \(decode.stderr)")
  #expect(try FileManager.default.destinationOfSymbolicLink(atPath: fixture.folder.file("sink")) == "/dev/null")
  var status = stat()
  #expect(stat("/dev/null", &status) == 0 && status.st_mode & S_IFMT == S_IFCHR)
}

/// A full disk: one error line, and neither a half-written output nor a temporary file is left.
@Test(arguments: [["decode", "good.vq", "out.png"], ["encode", "image.png", "out.vq"]])
func aFullDiskLeavesNoOutput(_ command: [String]) throws {
  guard let disk = SmallFileSystem.mount(bytes: 4096) else { return }
  let fixture = try BadInputFixture()
  defer { fixture.folder.remove() }
  disk.fill()
  let result = try vqcodec(command.dropLast() + [disk.file(command.last!), "--quiet"], in: fixture.folder.path)
  expectOneErrorLine(result, mentioning: "No space left on device")
  #expect(disk.contents() == ["filler"])
}

/// A model whose checksum is right but whose weights are NaN is refused on load.
@Test func aModelWithNonFiniteWeightsIsRefused() throws {
  let fixture = try BadInputFixture()
  defer { fixture.folder.remove() }
  var rng = SplitMix64(seed: 3)
  let model = VQModel(ModelConfiguration.presets["tiny"]!, using: &rng)
  model.storedTensors[1].value.scalars[0] = .nan
  try fixture.folder.write(ModelFile.serialize(model), named: "nan.vqm")
  let encode = try vqcodec(["encode", "image.png", "out.vq", "--model", "nan.vqm"], in: fixture.folder.path)
  expectOneErrorLine(encode, mentioning: "not finite")
  #expect(!fixture.folder.exists("out.vq"))
}

/// Notes are free text: `info --json` stays valid JSON whatever they hold.
@Test(arguments: ["he said \"no\"\n\ttwice \\ \u{1}", "{\"a\": 1", "[1, 2]", "{\"trained_steps\": 3}"])
func infoJSONEscapesModelNotes(_ notes: String) throws {
  let folder = try TemporaryFolder()
  defer { folder.remove() }
  var rng = SplitMix64(seed: 4)
  try folder.write(
    ModelFile.serialize(VQModel(ModelConfiguration.presets["tiny"]!, using: &rng), notes: notes), named: "m.vqm")
  let info = try vqcodec(["info", "m.vqm", "--json"], in: folder.path)
  #expect(info.status == 0, "stderr: \(info.stderr)")
  let json = try #require(
    try JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as? [String: Any], "\(info.stdout)")
  if notes.hasPrefix("{\"trained") {
    #expect((json["notes"] as? [String: Any])?["trained_steps"] as? Int == 3)
  } else {
    #expect(json["notes"] as? String == notes)
  }
}

/// Ctrl-C (SIGINT) mid-run: the step finishes, the model and a checkpoint are written, the exit is clean, and
/// `--resume` continues from that step.
@Test func ctrlCSavesACheckpointThatResumes() throws {
  let folder = try trainingFolder()
  defer { folder.remove() }
  let binary = try #require(VQCodecBinary.url)
  let process = Process()
  process.executableURL = binary
  process.arguments = ["train", "images", "--out", "m.vqm", "--steps", "1000000", "--log-every", "1"] + tinyRun
  process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
  process.standardOutput = FileHandle.nullDevice
  process.standardError = FileHandle.nullDevice
  try process.run()
  let deadline = Date().addingTimeInterval(120)
  while (FileManager.default.contents(atPath: folder.file("m.vqm.log.jsonl"))?.count ?? 0) == 0 && Date() < deadline {
    Thread.sleep(forTimeInterval: 0.05)
  }
  process.interrupt()
  process.waitUntilExit()
  #expect(process.terminationReason == .exit && process.terminationStatus == 0)
  let info = try vqcodec(["info", "m.vqm", "--json"], in: folder.path)
  let json = try #require(try JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as? [String: Any])
  let steps = try #require((json["notes"] as? [String: Any])?["trained_steps"] as? Int)
  #expect(steps >= 1 && steps < 1_000_000)
  let resumed = try vqcodec(
    ["train", "images", "--out", "m.vqm", "--steps", "\(steps + 1)", "--resume", "m.vqm.ckpt"] + tinyRun,
    in: folder.path)
  #expect(resumed.status == 0, "stderr: \(resumed.stderr)")
  #expect(resumed.stderr.contains("resumed at step \(steps)"))
}
