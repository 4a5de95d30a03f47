import Foundation
import TestSupport
import Testing

/// `report --references`: the reference codecs chosen, a notice for those whose tools are missing, BD-rate in the
/// terminal table and the JSON; `--quality` and `--stages`: the points measured.
struct ReportCommandTests {
  let fixture: BadInputFixture

  init() throws { fixture = try BadInputFixture() }

  @Test func jpegReferenceGivesACurveAndBDRate() throws {
    defer { fixture.folder.remove() }
    let r = try vqcodec(
      ["report", "image.png", "--stages", "1,2", "--references", "jpeg", "--json", "r.json"], in: fixture.folder.path)
    #expect(r.status == 0, "stderr: \(r.stderr)")
    #expect(r.stdout.contains("BD-rate") && r.stdout.contains("JPEG"))
    let references = try #require(try jsonRoot("r.json")["references"] as? [[String: Any]])
    #expect(references.map { $0["name"] as? String } == ["JPEG"])
  }

  @Test func missingToolsAreSkippedWithANotice() throws {
    defer { fixture.folder.remove() }
    let r = try vqcodec(
      ["report", "image.png", "--stages", "1", "--references", "webp,avif"], in: fixture.folder.path,
      environment: ["PATH": fixture.folder.path])
    #expect(r.status == 0, "stderr: \(r.stderr)")
    #expect(r.stderr.contains("note: cwebp and dwebp not found: no WebP curve (apt-get install webp)"))
    #expect(r.stderr.contains("note: avifenc and avifdec not found: no AVIF curve (apt-get install libavif-bin)"))
    #expect(!r.stdout.contains("BD-rate"))
  }

  @Test func noneMeasuresOnlyTheModels() throws {
    defer { fixture.folder.remove() }
    let r = try vqcodec(["report", "image.png", "--stages", "1", "--references", "none"], in: fixture.folder.path)
    #expect(r.status == 0 && !r.stdout.contains("BD-rate") && !r.stderr.contains("note:"), "stderr: \(r.stderr)")
  }

  /// By default the whole quality range (at least 7 points, every whole-stage file among them, whatever the shipped
  /// model's stage count); `--quality` a list of them; each point in the JSON.
  @Test func qualitiesAreThePointsMeasured() throws {
    defer { fixture.folder.remove() }
    let sweep = try vqcodec(
      ["report", "image.png", "--references", "none", "--json", "sweep.json"], in: fixture.folder.path)
    #expect(sweep.status == 0, "stderr: \(sweep.stderr)")
    for label in ["default@q0 ", "default@q100 "] { #expect(sweep.stdout.contains(label)) }
    let swept = try operatingPoints(in: "sweep.json")
    let qualities = swept.compactMap { $0["quality"] as? Double }
    let stages = try #require(swept.first?["stages"] as? Int)
    #expect(qualities.count == swept.count && qualities.count >= 7, "\(qualities)")
    #expect(qualities.first == 0 && qualities.last == 100 && qualities == qualities.sorted())
    for s in 1...stages { #expect(qualities.contains { abs($0 - 100 * Double(s) / Double(stages)) < 1e-9 }) }
    let r = try vqcodec(
      ["report", "image.png", "--quality", "20,80", "--references", "none", "--json", "q.json"],
      in: fixture.folder.path)
    #expect(r.status == 0, "stderr: \(r.stderr)")
    #expect(try operatingPoints(in: "q.json").map { $0["quality"] as? Double } == [20, 80])
  }

  private func operatingPoints(in json: String) throws -> [[String: Any]] {
    try #require(try jsonRoot(json)["operating_points"] as? [[String: Any]])
  }

  private func jsonRoot(_ json: String) throws -> [String: Any] {
    try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: fixture.folder.file(json))))
        as? [String: Any])
  }

  @Test(arguments: [
    ["--quality", "10", "--stages", "1"], ["--quality", "120"], ["--quality", "a,b"], ["--effort", "201"],
    ["--effort", "2", "--stages", "1"],
  ])
  func badPointChoicesAreUsageErrors(_ extra: [String]) throws {
    defer { fixture.folder.remove() }
    expectUsageError(try vqcodec(["report", "image.png"] + extra, in: fixture.folder.path))
  }

  @Test func anUnknownReferenceIsAUsageError() throws {
    defer { fixture.folder.remove() }
    expectUsageError(
      try vqcodec(["report", "image.png", "--references", "jpeg,heic"], in: fixture.folder.path),
      mentioning: "got 'heic'")
  }
}
