import Codec
import DefaultModel
import Foundation
import Imaging
import Tensors
import TestSupport
import Testing

/// Inputs shared by the bad-input tests: a good PNG, a good `.vq` made from it, and broken variants.
struct BadInputFixture {
  let folder: TemporaryFolder

  init() throws {
    folder = try TemporaryFolder()
    let image = RGBImage(width: 9, height: 7, pixels: (0..<9 * 7 * 3).map { UInt8(($0 * 37) % 256) })
    try folder.write(try image.pngData(), named: "image.png")
    try folder.write(Array("this is not a PNG at all".utf8), named: "garbage.png")
    let codec = try ImageCodec(modelBytes: try DefaultModel.bytes())
    let vq = try codec.encode(image)
    try folder.write(vq, named: "good.vq")
    try folder.write(Array(vq.dropLast(5)), named: "truncated.vq")
    var flipped = vq
    flipped[vq.count / 2] ^= 0x04
    try folder.write(flipped, named: "flipped.vq")
    try folder.write(try DefaultModel.bytes(), named: "default.vqm")
    var rng = SplitMix64(seed: 1)
    let other = VQModel(ModelConfiguration.presets["tiny"]!, using: &rng)
    try folder.write(ModelFile.serialize(other), named: "other.vqm")
    try folder.write(Array("garbage model".utf8), named: "garbage.vqm")
    try folder.write([1, 2, 3], named: "existing.vq")
    try folder.write([1, 2, 3], named: "existing.png")
  }
}

/// A failure while running: exactly one `error:` line on stderr, status 1, nothing on stdout.
func expectOneErrorLine(
  _ r: CommandResult, mentioning needle: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(r.status == 1, "status \(r.status), stderr: \(r.stderr)", sourceLocation: sourceLocation)
  #expect(r.stderrLines.count == 1, "stderr: \(r.stderr)", sourceLocation: sourceLocation)
  #expect(r.stderr.hasPrefix("error: "), "stderr: \(r.stderr)", sourceLocation: sourceLocation)
  #expect(r.stdout.isEmpty, "stdout: \(r.stdout)", sourceLocation: sourceLocation)
  if let needle { #expect(r.stderr.contains(needle), "stderr: \(r.stderr)", sourceLocation: sourceLocation) }
}

/// A usage error (argument-parser): status 64 (EX_USAGE), `Error:` first and the usage after it, nothing on stdout.
func expectUsageError(
  _ r: CommandResult, mentioning needle: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(r.status == 64, "status \(r.status), stderr: \(r.stderr)", sourceLocation: sourceLocation)
  #expect(r.stderr.hasPrefix("Error: "), "stderr: \(r.stderr)", sourceLocation: sourceLocation)
  #expect(r.stderr.contains("Usage: vqcodec"), "stderr: \(r.stderr)", sourceLocation: sourceLocation)
  #expect(r.stdout.isEmpty, "stdout: \(r.stdout)", sourceLocation: sourceLocation)
  if let needle { #expect(r.stderr.contains(needle), "stderr: \(r.stderr)", sourceLocation: sourceLocation) }
}

/// Runtime failures: one `error:` line, status 1, and the output file is not created.
@Test(arguments: [
  (["encode", "missing.png", "out.vq"], "missing.png"),
  (["encode", "garbage.png", "out.vq"], "garbage.png"),
  (["encode", "image.png", "out.vq", "--model", "missing.vqm"], "missing.vqm"),
  (["encode", "image.png", "out.vq", "--model", "garbage.vqm"], "garbage.vqm"),
  (["encode", "image.png", "out.vq", "--model", "image.png"], "image.png"),
  (["encode", "image.png", "out.vq", "--stages", "9"], "--stages"),
  (["decode", "missing.vq", "out.png"], "missing.vq"),
  (["decode", "truncated.vq", "out.png"], "corrupt"),
  (["decode", "flipped.vq", "out.png"], "corrupt"),
  (["decode", "default.vqm", "out.png"], "corrupt"),
  (["decode", "garbage.png", "out.png"], "corrupt"),
  (["decode", "good.vq", "out.png", "--model", "other.vqm"], "--model"),
  (["decode", "good.vq", "out.png", "--model", "garbage.vqm"], "garbage.vqm"),
  (["info", "missing.vq"], "missing.vq"),
  (["info", "truncated.vq"], "truncated.vq"),
  (["info", "garbage.png"], "garbage.png"),
  (["info", "garbage.vqm"], "garbage.vqm"),
  (["train", ".", "--out", "m.vqm", "--init-from", "missing.vqm"], "missing.vqm"),
  (["train", ".", "--out", "m.vqm", "--init-from", "garbage.vqm"], "garbage.vqm"),
  (["train", ".", "--out", "m.vqm", "--init-from", "other.vqm"], "different encoder/decoder"),
])
func runtimeFailuresPrintOneErrorLine(arguments: [String], mentioning needle: String) throws {
  let fixture = try BadInputFixture()
  defer { fixture.folder.remove() }
  let before = try fixture.folder.contents()
  let result = try vqcodec(arguments, in: fixture.folder.path)
  expectOneErrorLine(result, mentioning: needle)
  #expect(try fixture.folder.contents() == before, "no output file, no temporary left behind")
}

/// Parse and validation errors: argument-parser's usage error, status 64, and no output file.
@Test(arguments: [
  (["encode", "image.png", "out.vq", "--frobnicate"], "--frobnicate"),
  (["frobnicate"], "frobnicate"),
  (["encode", "image.png"], "output"),
  (["encode", "image.png", "out.vq", "--threads", "0"], "--threads"),
  (["decode", "good.vq", "out.png", "--threads", "-3"], "--threads"),
  (["encode", "image.png", "out.vq", "--threads", "many"], "--threads"),
  (["encode", "image.png", "out.vq", "--stages", "0"], "--stages"),
  (["train", ".", "--out", "m.vqm", "--preset", "huge"], "--preset"),
  (["train", ".", "--out", "m.vqm", "--crop", "4"], "--crop"),
  (["train", ".", "--out", "m.vqm", "--codebook-size", "1"], "--codebook-size"),
  (["train", ".", "--out", "m.vqm", "--stages", "0"], "--stages"),
  (["train", ".", "--out", "m.vqm", "--stages", "2", "--estimator", "gumbel"], "--stages"),
  (["train", ".", "--out", "m.vqm", "--steps", "5", "--unquantized-steps", "5"], "--unquantized-steps"),
  (["train", ".", "--out", "m.vqm", "--unquantized-steps", "2", "--estimator", "reinforce"], "--unquantized-steps"),
  (["train", ".", "--out", "m.vqm", "--unquantized-share", "1"], "--unquantized-share"),
  (["bench", "--mode", "fly"], "--mode"),
])
func usageErrorsPrintUsage(arguments: [String], mentioning needle: String) throws {
  let fixture = try BadInputFixture()
  defer { fixture.folder.remove() }
  let before = try fixture.folder.contents()
  expectUsageError(try vqcodec(arguments, in: fixture.folder.path), mentioning: needle)
  #expect(try fixture.folder.contents() == before)
}

/// Refusing to overwrite: the input itself, or an existing output without `--force`; the files are untouched.
@Test(arguments: [
  ["encode", "image.png", "image.png"], ["encode", "image.png", "./image.png"], ["decode", "good.vq", "good.vq"],
  ["encode", "image.png", "existing.vq"], ["decode", "good.vq", "existing.png"],
])
func refusesToOverwrite(arguments: [String]) throws {
  let fixture = try BadInputFixture()
  defer { fixture.folder.remove() }
  let snapshot = try fixture.folder.contents().map {
    try Data(contentsOf: URL(fileURLWithPath: fixture.folder.file($0)))
  }
  expectOneErrorLine(try vqcodec(arguments, in: fixture.folder.path))
  #expect(
    try fixture.folder.contents().map { try Data(contentsOf: URL(fileURLWithPath: fixture.folder.file($0))) }
      == snapshot)
}

@Test func forceOverwritesAnExistingOutput() throws {
  let fixture = try BadInputFixture()
  defer { fixture.folder.remove() }
  let result = try vqcodec(["encode", "image.png", "existing.vq", "--force", "--quiet"], in: fixture.folder.path)
  #expect(result.status == 0, "stderr: \(result.stderr)")
  #expect(result.stdout.isEmpty && result.stderr.isEmpty)
  #expect(
    try Data(contentsOf: URL(fileURLWithPath: fixture.folder.file("existing.vq"))).starts(with: Array("VQC1".utf8)))
}

@Test(arguments: [["--help"], ["encode", "--help"], ["help", "report"], ["train", "--help"]])
func helpPrintsUsageAndSucceeds(_ arguments: [String]) throws {
  let folder = try TemporaryFolder()
  defer { folder.remove() }
  let result = try vqcodec(arguments, in: folder.path)
  #expect(result.status == 0, "stderr: \(result.stderr)")
  #expect(result.stdout.contains("USAGE:") && !result.stderr.contains("error:"))
}

/// `--init-from` with another K and stage count: the new model has the asked-for quantizer and names its source.
@Test func trainFineTunesFromAModelWithAnotherQuantizer() throws {
  let folder = try trainingFolder()
  defer { folder.remove() }
  var rng = SplitMix64(seed: 2)
  let source = ModelFile.serialize(VQModel(ModelConfiguration.presets["tiny"]!, using: &rng))
  try folder.write(source, named: "source.vqm")
  let train = try vqcodec(
    [
      "train", "images", "--out", "m.vqm", "--preset", "tiny", "--codebook-size", "8", "--stages", "3", "--init-from",
      "source.vqm", "--steps", "2", "--batch", "1", "--crop", "8",
    ], in: folder.path)
  #expect(train.status == 0, "stderr: \(train.stderr)")
  let info = try vqcodec(["info", "m.vqm", "--json"], in: folder.path)
  #expect(info.stdout.contains("\"codebook_size\": 8") && info.stdout.contains("\"stages\": 3"), "\(info.stdout)")
  let fingerprint = ModelFile.fingerprint(of: source).map { String(format: "%02x", $0) }.joined()
  #expect(info.stdout.contains("\"initialized_from\": \"\(fingerprint)\""), "\(info.stdout)")
}

/// `--keep-codebooks` takes the source's two codebooks into a three-stage run (the third from k-means), and
/// `--min-stages` goes into the notes beside it; either without what it needs is a usage error.
@Test func trainKeepsTheSourcesCodebooksWhenAsked() throws {
  let folder = try trainingFolder()
  defer { folder.remove() }
  var rng = SplitMix64(seed: 3)
  try folder.write(ModelFile.serialize(VQModel(ModelConfiguration.presets["tiny"]!, using: &rng)), named: "source.vqm")
  let common = ["train", "images", "--out", "m.vqm", "--preset", "tiny", "--steps", "2", "--batch", "1", "--crop", "8"]
  let train = try vqcodec(
    common + ["--stages", "3", "--init-from", "source.vqm", "--keep-codebooks", "--min-stages", "2"], in: folder.path)
  #expect(train.status == 0, "stderr: \(train.stderr)")
  #expect(
    train.stderr.contains("encoder, decoder and 2 codebooks start from source.vqm; 1 codebook from k-means"),
    "\(train.stderr)")
  let info = try vqcodec(["info", "m.vqm", "--json"], in: folder.path)
  #expect(
    info.stdout.contains("\"kept_codebook_stages\": 2") && info.stdout.contains("\"minimum_active_stages\": 2"),
    "\(info.stdout)")
  for wrong in [["--keep-codebooks"], ["--min-stages", "3"], ["--min-stages", "2", "--no-quantizer-dropout"]] {
    let refused = try vqcodec(common + ["--force"] + wrong, in: folder.path)
    #expect(refused.status == 64, "\(wrong): \(refused.stderr)")
  }
}

/// `--unquantized-steps 1`: the first step's progress line says it chose no codes, and the model's notes say how
/// it was trained.
@Test func trainStartsUnquantizedWhenAsked() throws {
  let folder = try trainingFolder()
  defer { folder.remove() }
  let train = try vqcodec(
    [
      "train", "images", "--out", "m.vqm", "--preset", "tiny", "--unquantized-steps", "1", "--steps", "2", "--batch",
      "1", "--crop", "8",
    ], in: folder.path)
  #expect(train.status == 0, "stderr: \(train.stderr)")
  #expect(train.stderr.contains("step 1/2  loss") && train.stderr.contains("dB  unquantized  "), "\(train.stderr)")
  let info = try vqcodec(["info", "m.vqm", "--json"], in: folder.path)
  #expect(info.stdout.contains("\"unquantized_steps\": 1"), "\(info.stdout)")
}
